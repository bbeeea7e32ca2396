package io.paddock.telemetry;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.db.Migrations;
import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Nothing accepted is lost or counted twice: under duplicates and retries, and while PostgreSQL is down. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class TelemetryAcceptanceTest {

    private static final AtomicInteger NEXT_IP = new AtomicInteger(1 + (int) (System.nanoTime() % 60_000));

    @Test
    void tenThousandEventsWithDuplicatedIdsAndRetriedBatchesAreStoredExactlyOnce() throws Exception {
        String anonymousId = "acceptance-" + UUID.randomUUID();
        Random random = new Random(42);
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        List<String> events = new ArrayList<>();
        List<String> unique = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            if (i > 0 && random.nextInt(10) == 0) {
                events.add(unique.get(random.nextInt(unique.size()))); // the same event sent again
            } else {
                String event = event(UUID.randomUUID(), base.plusMillis(i));
                unique.add(event);
                events.add(event);
            }
        }
        int sent = 0;
        int accepted = 0;
        int duplicates = 0;
        for (int from = 0; from < events.size(); from += 100) {
            String batch = batch(anonymousId, events.subList(from, from + 100));
            int attempts = random.nextInt(20) == 0 ? 2 : 1; // about 5 % of batches are retried whole
            for (int attempt = 0; attempt < attempts; attempt++) {
                Response r = post(batch);
                r.then().statusCode(202);
                assertEquals(false, r.path("parked"));
                assertEquals(0, ((List<?>) r.path("rejected")).size());
                accepted += r.<Integer>path("accepted");
                duplicates += r.<Integer>path("duplicates");
                sent += 100;
            }
        }
        assertTrue(sent > 10_000, "some batches were retried");
        assertEquals(unique.size(), accepted, "accepted counts each unique event once");
        assertEquals(sent, accepted + duplicates, "every event sent is either accepted or a duplicate");
        assertEquals(unique.size(), storedFor(anonymousId), "exactly the unique events are stored");
    }

    @Test
    void withPostgresStoppedBatchesAreParkedAndTheMaintenanceRunStoresEveryEventOnce() throws Exception {
        String anonymousId = "parking-" + UUID.randomUUID();
        Instant at = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        String a = event(UUID.randomUUID(), at);
        String b1 = event(UUID.randomUUID(), at.plusMillis(1));
        String b2 = event(UUID.randomUUID(), at.plusMillis(2));
        String c = event(UUID.randomUUID(), at.plusMillis(3));
        post(batch(anonymousId, List.of(a))).then().statusCode(202);

        EmbeddedStores stores = PaddockStoresTestResource.stores();
        stores.stopPostgres();
        try {
            for (List<String> batch : List.of(List.of(b1, b2), List.of(b1, b2), List.of(a, c))) {
                Response parked = post(batch(anonymousId, batch));
                parked.then().statusCode(202);
                assertEquals(true, parked.path("parked"));
                assertEquals(batch.size(), parked.<Integer>path("accepted"));
            }
        } finally {
            stores.startPostgres();
        }
        assertEquals(1, storedFor(anonymousId), "only the batch sent before the outage is stored yet");

        String report = new MaintenanceHandler().run(stores.environment(), true);
        assertTrue(report.contains("\"batches\":3"), report);
        assertTrue(report.contains("\"stored\":3"), report);
        assertTrue(report.contains("\"duplicates\":3"), report);
        assertEquals(4, storedFor(anonymousId), "a, b1, b2, c: each once");
        String again = new MaintenanceHandler().run(stores.environment(), true);
        assertTrue(again.contains("\"batches\":0"), again);
        assertEquals(4, storedFor(anonymousId));

        // Within the breaker's open period (2 s) a batch may still be parked; then the API stores directly. The bound
        // is generous: a probe that fails while the store warms up opens the breaker again, more so on a loaded machine.
        Response after = Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(batch(anonymousId, List.of(c))), r -> r.statusCode() == 202 && Boolean.FALSE.equals(r.path("parked")));
        assertEquals(1, after.<Integer>path("duplicates"), "the API stores directly again");
    }

    @Test
    void withPostgresAndDynamoDbBothDownTheBatchIsRefusedWith503NotLost() throws Exception {
        String anonymousId = "nowhere-" + UUID.randomUUID();
        String e = event(UUID.randomUUID(), Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS));
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        stores.stopPostgres();
        stores.stopDynamo();
        try {
            Response refused = post(batch(anonymousId, List.of(e)));
            refused.then().statusCode(503).contentType("application/problem+json");
            assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1, "the client keeps the batch and retries");
        } finally {
            stores.startDynamo();
            stores.startPostgres();
        }
        // The client retries its 503 until the stores (and their breakers) are back.
        Response retried = Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(batch(anonymousId, List.of(e))), r -> r.statusCode() == 202 && Boolean.FALSE.equals(r.path("parked")));
        assertEquals(1, retried.<Integer>path("accepted"));
        assertEquals(1, storedFor(anonymousId));
    }

    @Test
    void theScheduleSaysWhichTask() {
        assertTrue(MaintenanceHandler.replayOnly("{\"task\": \"replay\"}".getBytes()));
        assertEquals(false, MaintenanceHandler.replayOnly("{}".getBytes()));
        assertEquals(false, MaintenanceHandler.replayOnly("{\"version\":\"0\",\"detail-type\":\"Scheduled Event\"}".getBytes()));
        assertEquals(false, MaintenanceHandler.replayOnly("not json".getBytes()));
    }

    private static String event(UUID id, Instant occurredAt) {
        return "{\"eventId\":\"" + id + "\",\"type\":\"impression\",\"itemId\":\"post-" + id.toString().substring(0, 8)
                + "\",\"surface\":\"home\",\"occurredAt\":\"" + occurredAt + "\",\"meta\":{\"position\":3}}";
    }

    private static String batch(String anonymousId, List<String> events) {
        return "{\"anonymousId\":\"" + anonymousId + "\",\"events\":[" + String.join(",", events) + "]}";
    }

    private static Response post(String body) {
        int n = NEXT_IP.incrementAndGet();
        return given().header("X-Forwarded-For", "10.55." + ((n >> 8) & 0xff) + "." + (n & 0xff))
                .contentType(ContentType.JSON).body(body).post("/v1/events");
    }

    private static long storedFor(String anonymousId) throws Exception {
        try (Connection c = Migrations.connect(PaddockStoresTestResource.stores().databaseUrl());
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM usage_events WHERE anonymous_id = ?")) {
            s.setString(1, anonymousId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
