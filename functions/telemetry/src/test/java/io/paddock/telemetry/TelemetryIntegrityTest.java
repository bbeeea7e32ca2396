package io.paddock.telemetry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.ids.Ids;
import io.paddock.shared.redis.ServedFeeds;
import io.paddock.shared.resilience.StoreBreaker;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, finding 10 (contract v1.1, "Telemetry"): one stored event per (sender, eventId), whatever
 * occurredAt says — over HTTP, in the store, and through the replay of parked batches; and CTR counts
 * only impressions of feed responses that were served to their sender.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class TelemetryIntegrityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AccessTokens tokens;

    @Inject
    Database database;

    @Inject
    EventStore store;

    @Inject
    ParkedBatches parking;

    @Inject
    ServedFeeds servedFeeds;

    @Inject
    ReactiveRedisDataSource redis;

    private static String ago(int hours) {
        return Instant.now().minus(hours, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String event(UUID id, String type, String occurredAt, String extra) {
        return "{\"eventId\":\"" + id + "\",\"type\":\"" + type + "\",\"occurredAt\":\"" + occurredAt + "\"" + extra + "}";
    }

    private static String batch(String anonymousId, String... events) {
        return "{" + (anonymousId == null ? "" : "\"anonymousId\":\"" + anonymousId + "\",") + "\"events\":["
                + String.join(",", events) + "]}";
    }

    // --- one row per (sender, eventId) ---------------------------------------------------------------

    @Test
    void theSameEventIdWithThreeDifferentOccurredAtIsStoredOnceOverHttp() {
        UUID user = Ids.uuidV7();
        String token = tokens.issue(user, "user").token();
        UUID eventId = UUID.randomUUID();
        int[] accepted = new int[3];
        for (int i = 0; i < 3; i++) {
            accepted[i] = given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(batch(null, event(eventId, "click", ago(i + 1), ",\"itemId\":\"post-1\"")))
                    .when().post("/v1/events")
                    .then().statusCode(202)
                    .body("duplicates", equalTo(i == 0 ? 0 : 1))
                    .extract().<Integer>path("accepted");
        }
        assertEquals(List.of(1, 0, 0), List.of(accepted[0], accepted[1], accepted[2]));
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE user_id = ? AND event_id = ?", user, eventId));
    }

    @Test
    void theSameEventIdWithThreeDifferentOccurredAtInsideOneBatchIsOneAcceptedAndTwoDuplicates() {
        String anon = "integrity-" + UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(batch(anon, event(eventId, "open", ago(1), ""), event(eventId, "open", ago(2), ""),
                        event(eventId, "open", ago(3), "")))
                .when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1)).body("duplicates", equalTo(2));
        // The same batch again: nothing new.
        given().contentType(ContentType.JSON)
                .body(batch(anon, event(eventId, "open", ago(1), ""), event(eventId, "open", ago(2), ""),
                        event(eventId, "open", ago(3), "")))
                .when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(0)).body("duplicates", equalTo(3));
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE anonymous_id = ?", anon));
    }

    @Test
    void theStoreKeepsOneRowPerSenderAndEventIdWhateverOccurredAtSays() throws Exception {
        String anon = "store-" + UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        EventStore.Actor anonymous = new EventStore.Actor(null, null, false);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        assertEquals(1, store.insert(anonymous, List.of(click(eventId, anon, now.minusSeconds(60)))));
        assertEquals(0, store.insert(anonymous, List.of(click(eventId, anon, now.minusSeconds(120)),
                click(eventId, anon, now.minusSeconds(180)))), "two other occurredAt: both duplicates");
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE anonymous_id = ?", anon));

        // The id is the sender's: another installation, or a signed-in user, with the same id is another event.
        assertEquals(1, store.insert(anonymous, List.of(click(eventId, anon + "-other", now))));
        UUID user = Ids.uuidV7();
        assertEquals(1, store.insert(new EventStore.Actor(user, null, false), List.of(click(eventId, null, now))));
        assertEquals(0, store.insert(new EventStore.Actor(user, null, false), List.of(click(eventId, null, now.minusSeconds(5)))));

        // A batch that repeats one id with other times stores the first of them.
        UUID repeated = UUID.randomUUID();
        assertEquals(2, store.insert(anonymous, List.of(click(repeated, anon, now.minusSeconds(1)),
                click(repeated, anon, now.minusSeconds(2)), click(UUID.randomUUID(), anon, now))));
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE event_id = ? AND occurred_at = ?", repeated,
                java.sql.Timestamp.from(now.minusSeconds(1))));
    }

    @Test
    void aReplayedParkedBatchIsStoredExactlyOnceEvenWithOtherOccurredAt() throws Exception {
        String anon = "replay-" + UUID.randomUUID();
        EventStore.Actor anonymous = new EventStore.Actor(null, null, false);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID storedBefore = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        store.insert(anonymous, List.of(click(storedBefore, anon, now.minusSeconds(30))));
        // Parked twice while PostgreSQL was down (the client retried), each time with other occurredAt.
        parking.park(anonymous, List.of(click(storedBefore, anon, now.minusSeconds(20)), click(fresh, anon, now.minusSeconds(20))));
        parking.park(anonymous, List.of(click(storedBefore, anon, now.minusSeconds(10)), click(fresh, anon, now.minusSeconds(10))));

        new MaintenanceHandler().run(PaddockStoresTestResource.stores().environment(), true);

        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE event_id = ?", storedBefore));
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE event_id = ?", fresh));
        assertEquals(2, count("SELECT count(*) FROM usage_events WHERE anonymous_id = ?", anon));
    }

    // --- served impressions and CTR ------------------------------------------------------------------

    @Test
    void ctrCountsOnlyImpressionsOfFeedResponsesServedToTheirSender() {
        String item = "post-" + UUID.randomUUID();
        UUID viewer = Ids.uuidV7();
        UUID someoneElse = Ids.uuidV7();
        String viewersHome = "home-" + UUID.randomUUID();
        String othersHome = "home-" + UUID.randomUUID();
        String publicFeed = "public-" + UUID.randomUUID();
        // As the feed function records the responses it serves.
        served(viewersHome, viewer);
        served(othersHome, someoneElse);
        served(publicFeed, null);

        String impression = ",\"itemId\":\"" + item + "\"";
        String viewerToken = tokens.issue(viewer, "user").token();
        given().auth().oauth2(viewerToken).contentType(ContentType.JSON)
                .body(batch(null,
                        event(UUID.randomUUID(), "impression", ago(1), impression + feed(viewersHome)),   // served: counted
                        event(UUID.randomUUID(), "impression", ago(1), impression + feed(publicFeed)),    // public: counted
                        event(UUID.randomUUID(), "impression", ago(1), impression),                       // names no response
                        event(UUID.randomUUID(), "impression", ago(1), impression + feed("never-served-" + UUID.randomUUID())),
                        event(UUID.randomUUID(), "impression", ago(1), impression + feed(othersHome)),    // another viewer's
                        event(UUID.randomUUID(), "click", ago(1), impression)))                           // counted: shown to them
                .when().post("/v1/events").then().statusCode(202).body("accepted", equalTo(6));
        // Anonymous senders match public responses only.
        given().contentType(ContentType.JSON)
                .body(batch("anon-" + UUID.randomUUID(),
                        event(UUID.randomUUID(), "impression", ago(1), impression + feed(publicFeed)),    // counted
                        event(UUID.randomUUID(), "impression", ago(1), impression + feed(viewersHome))))  // personal
                .when().post("/v1/events").then().statusCode(202).body("accepted", equalTo(2));
        // A click with no served impression of the item behind it is outside the ratio.
        given().contentType(ContentType.JSON)
                .body(batch("clicker-" + UUID.randomUUID(), event(UUID.randomUUID(), "click", ago(1), impression)))
                .when().post("/v1/events").then().statusCode(202).body("accepted", equalTo(1));

        String admin = tokens.issue(Ids.uuidV7(), "admin").token();
        given().auth().oauth2(admin).queryParam("itemId", item).when().get("/v1/analytics/ctr")
                .then().statusCode(200)
                .body("items[0].impressions", equalTo(3))
                .body("items[0].clicks", equalTo(1))
                .body("items[0].ctr", equalTo(1f / 3));
        given().auth().oauth2(admin).queryParam("from", ago(3)).queryParam("limit", "100").when().get("/v1/analytics/ctr")
                .then().statusCode(200)
                .body("items.find { it.itemId == '" + item + "' }.impressions", equalTo(3))
                .body("items.find { it.itemId == '" + item + "' }.clicks", equalTo(1));
        assertEquals(3, count("SELECT count(*) FROM usage_events WHERE item_id = ? AND type = 'impression' AND served", item));
        assertEquals(4, count("SELECT count(*) FROM usage_events WHERE item_id = ? AND type = 'impression' AND NOT served", item));
        assertEquals(0, count("SELECT count(*) FROM usage_events WHERE item_id = ? AND type = 'click' AND served IS NOT NULL", item));
    }

    @Test
    void withRedisUnableToAnswerImpressionsAreStoredAsUnknownAndTheBatchIsStillAccepted() throws Exception {
        // A breaker that opened and whose clock never moves on: every check finds Redis unavailable.
        StoreBreaker down = new StoreBreaker("redis", 2000, () -> 0L, (store, state, cause) -> { });
        down.failed(new java.net.ConnectException("Connection refused"));
        String publicFeed = "public-" + UUID.randomUUID();
        served(publicFeed, null);
        EventIngestion ingestion = new EventIngestion(store, parking, new EventValidator(MetaSanitizer.withDefaults(),
                Clock.systemUTC(), EventIngestion.MAX_AHEAD, EventIngestion.MAX_LATE), new ServedFeeds(redis, down),
                Duration.ofMillis(200));
        String anon = "unknown-" + UUID.randomUUID();

        EventIngestion.Receipt receipt = ingestion.ingest(null, false, JSON.readTree(batch(anon,
                event(UUID.randomUUID(), "impression", ago(1), ",\"itemId\":\"p\"" + feed(publicFeed)),
                event(UUID.randomUUID(), "impression", ago(1), ",\"itemId\":\"p\""))));

        assertEquals(2, receipt.accepted());
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE anonymous_id = ? AND served IS NULL", anon),
                "unknown, not 'not served'");
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE anonymous_id = ? AND served = false", anon),
                "an impression naming no response needs no Redis to be 'not served'");
    }

    @Test
    void aParkedImpressionKeepsWhatIngestionKnewAboutItsFeedResponse() throws Exception {
        String anon = "parked-served-" + UUID.randomUUID();
        Instant at = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        EventStore.Actor anonymous = new EventStore.Actor(null, null, false);
        List<UsageEvent> events = new ArrayList<>();
        for (Boolean served : new Boolean[] {true, false, null}) {
            events.add(new UsageEvent(UUID.randomUUID(), anon, "impression", "p", null, null, "rid-" + served, at,
                    JsonNodeFactory.instance.objectNode(), served));
        }
        parking.park(anonymous, events);

        new MaintenanceHandler().run(PaddockStoresTestResource.stores().environment(), true);

        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE anonymous_id = ? AND served", anon));
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE anonymous_id = ? AND NOT served", anon));
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE anonymous_id = ? AND served IS NULL", anon));
    }

    @Test
    void aServedFeedRecordIsTheViewersOrThePublicsNeverAnothersAndExpires() {
        String requestId = "shared-id-" + UUID.randomUUID();
        UUID viewer = Ids.uuidV7();
        served(requestId, viewer);
        assertEquals(Set.of(), servedFeeds.servedTo(Ids.uuidV7(), Set.of(requestId), Duration.ofSeconds(1)).orElseThrow(),
                "another user who sends the same id");
        assertEquals(Set.of(), servedFeeds.servedTo(null, Set.of(requestId), Duration.ofSeconds(1)).orElseThrow(),
                "an anonymous sender");
        long ttl = redis.execute("TTL", ServedFeeds.key(requestId, viewer)).await().atMost(Duration.ofSeconds(1)).toLong();
        assertTrue(ttl > 0 && ttl <= Duration.ofMinutes(10).toSeconds(), "expires with the TTL given: " + ttl);
    }

    // --- helpers -------------------------------------------------------------------------------------

    private static String feed(String requestId) {
        return ",\"feedRequestId\":\"" + requestId + "\"";
    }

    /** Records a served response as the feed function does, then waits until Redis holds it (recording never waits). */
    private void served(String requestId, UUID viewer) {
        servedFeeds.record(requestId, viewer, Duration.ofMinutes(10), Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> servedFeeds.servedTo(viewer, Set.of(requestId), Duration.ofSeconds(1))
                .orElse(Set.of()).contains(requestId));
    }

    private static UsageEvent click(UUID id, String anonymousId, Instant at) {
        return new UsageEvent(id, anonymousId, "click", "post-1", null, null, null, at, JsonNodeFactory.instance.objectNode());
    }

    private long count(String sql, Object... params) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    for (int i = 0; i < params.length; i++) {
                        s.setObject(i + 1, params[i]);
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
