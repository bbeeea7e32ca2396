package io.paddock.telemetry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.db.Migrations;
import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 13, finding 2: text PostgreSQL cannot store is refused with 400 at validation (the contract's
 * v1.1), and a batch PostgreSQL refuses is never parked — only an outage parks.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class UnstorableBatchTest {

    @Inject
    EventStore store;

    @Inject
    ParkedBatches parking;

    @Inject
    io.paddock.shared.redis.ServedFeeds servedFeeds;

    @Inject
    TelemetrySettings settings;

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** {@code {anon}} and {@code {id}} are filled in; JSON escapes (\\u0000, \\ud800) reach the server as escapes. */
    static Stream<Arguments> batchesWithTextPostgresCannotStore() {
        String event = "{\"eventId\":\"{id}\",\"type\":\"click\",\"occurredAt\":\"" + now() + "\"";
        return Stream.of(
                Arguments.of("NUL in a meta value", "{\"anonymousId\":\"{anon}\",\"events\":[" + event
                        + ",\"meta\":{\"source\":\"feed\\u0000\"}}]}", "events[0].meta.source"),
                Arguments.of("NUL in a nested meta key", "{\"anonymousId\":\"{anon}\",\"events\":[" + event
                        + ",\"meta\":{\"source\":{\"a\\u0000b\":1}}}]}", "events[0].meta.source"),
                Arguments.of("NUL in the batch anonymousId", "{\"anonymousId\":\"{anon}\\u0000\",\"events\":[" + event + "}]}",
                        "anonymousId"),
                Arguments.of("NUL in an event's anonymousId", "{\"events\":[" + event + ",\"anonymousId\":\"{anon}\\u0000\"}]}",
                        "events[0].anonymousId"),
                Arguments.of("a lone high surrogate in itemId", "{\"anonymousId\":\"{anon}\",\"events\":[" + event
                        + ",\"itemId\":\"post-\\ud800\"}]}", "events[0].itemId"),
                Arguments.of("a lone low surrogate in a meta array", "{\"anonymousId\":\"{anon}\",\"events\":[" + event
                        + ",\"meta\":{\"variant\":[\"a\",\"\\udc00b\"]}}]}", "events[0].meta.variant[1]"),
                Arguments.of("NUL in a meta key the allow-list would drop", "{\"anonymousId\":\"{anon}\",\"events\":[" + event
                        + ",\"meta\":{\"x\\u0000\":1}}]}", "events[0].meta"),
                Arguments.of("NUL in a field the batch does not know", "{\"anonymousId\":\"{anon}\",\"extra\":\"\\u0000\","
                        + "\"events\":[" + event + "}]}", "extra"));
    }

    @ParameterizedTest(name = "{0}: 400, not 202 parked")
    @MethodSource("batchesWithTextPostgresCannotStore")
    void textPostgresCannotStoreIsA400NamingTheFieldAndNothingIsStoredOrParked(String what, String template, String field)
            throws Exception {
        String anon = "unstorable-" + UUID.randomUUID();
        String body = template.replace("{anon}", anon).replace("{id}", UUID.randomUUID().toString());
        given().contentType(ContentType.JSON).body(body).when().post("/v1/events")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
        assertEquals(0, stored(anon), what);
        assertEquals(0, parkedHolding(anon), what);
    }

    @Test
    void instantsOutsideTheYears2000To2100AreA400() {
        for (String at : new String[] {"1999-12-31T23:59:59.999Z", "2101-01-01T00:00:00.000Z", "+10000-01-01T00:00:00Z",
                "-0001-01-01T00:00:00Z", "+999999999-12-31T23:59:59.999999999Z"}) {
            String body = "{\"anonymousId\":\"range-" + UUID.randomUUID() + "\",\"events\":[{\"eventId\":\"" + UUID.randomUUID()
                    + "\",\"type\":\"click\",\"occurredAt\":\"" + at + "\"}]}";
            given().contentType(ContentType.JSON).body(body).when().post("/v1/events")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItem("events[0].occurredAt"));
        }
    }

    /**
     * The guard against refusing too much: a surrogate pair is one valid character (an emoji) and is stored.
     * In meta: the id fields take ASCII ids only since issue 13's finding 6.
     */
    @Test
    void surrogatePairsAndOtherUnicodeAreStoredAsSent() throws Exception {
        String anon = "emoji-" + UUID.randomUUID();
        String body = "{\"anonymousId\":\"" + anon + "\",\"events\":[{\"eventId\":\"" + UUID.randomUUID()
                + "\",\"type\":\"click\",\"occurredAt\":\"" + now() + "\",\"itemId\":\"post-1\","
                + "\"meta\":{\"source\":\"caf\u00e9 \\ud83d\\ude00 \ud83d\ude00\"}}]}";
        given().contentType(ContentType.JSON).body(body).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1)).body("parked", equalTo(false));
        assertEquals(1, stored(anon));
    }

    /**
     * A data error that slips past validation, with PostgreSQL up: an event dated in 2099 passes a validator
     * whose clock says 2099, and PostgreSQL refuses it (no partition for that month, SQLState 23514). Before
     * issue 13 every SQLException parked: this batch would have been 202 parked and failed every replay.
     */
    @Test
    void aBatchPostgresRefusesWhileUpIsA400AndIsNotParked() throws Exception {
        Instant in2099 = Instant.parse("2099-06-01T12:00:00Z");
        EventIngestion ingestion = new EventIngestion(store, parking, new EventValidator(MetaSanitizer.withDefaults(),
                Clock.fixed(in2099, ZoneOffset.UTC), Duration.ofHours(24), Duration.ofDays(7)), servedFeeds, Duration.ofMillis(200));
        String anon = "no-partition-" + UUID.randomUUID();
        var body = new ObjectMapper().readTree("{\"anonymousId\":\"" + anon + "\",\"events\":[{\"eventId\":\""
                + UUID.randomUUID() + "\",\"type\":\"click\",\"occurredAt\":\"" + in2099 + "\"}]}");

        EventIngestion.BadBatch refused = assertThrows(EventIngestion.BadBatch.class, () -> ingestion.ingest(null, false, body));

        assertEquals(400, refused.status);
        assertEquals(0, parkedHolding(anon), "a refusal is not an outage: nothing parked");
        assertEquals(0, stored(anon));
    }

    private long parkedHolding(String anonymousId) {
        String table = settings.parkedEventsTable();
        return PaddockStoresTestResource.stores().dynamoDbClient().scanPaginator(r -> r.tableName(table).consistentRead(true)
                        .filterExpression("contains(#events, :anon)")
                        .expressionAttributeNames(Map.of("#events", ParkedBatches.EVENTS))
                        .expressionAttributeValues(Map.of(":anon", AttributeValue.fromS(anonymousId))))
                .items().stream().count();
    }

    private static long stored(String anonymousId) throws Exception {
        try (Connection c = Migrations.connect(PaddockStoresTestResource.stores().databaseUrl());
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM usage_events WHERE anonymous_id LIKE ?")) {
            s.setString(1, anonymousId + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
