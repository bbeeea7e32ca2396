package io.paddock.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paddock.db.Migrations;
import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.ids.Ids;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 13, finding 2: one batch PostgreSQL refuses no longer stops the replay. It is quarantined with
 * its reason, every good batch around it is stored exactly once, and no run touches it again; parked
 * items expire after the retention.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ParkedBatchQuarantineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ParkedBatches parking;

    @Inject
    TelemetrySettings settings;

    @Test
    void theReplayStoresEveryGoodBatchOnceQuarantinesThePoisonOnesAndNeverRetriesThem() throws Exception {
        String anon = "quarantine-" + UUID.randomUUID();
        Instant at = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        int goodEvents = 0;
        for (int batch = 0; batch < 6; batch++) {
            List<UsageEvent> events = new ArrayList<>();
            for (int i = 0; i <= batch % 3; i++) {
                events.add(new UsageEvent(UUID.randomUUID(), anon, "click", "post-" + batch, "home", null, null,
                        at.plusMillis(goodEvents++), JsonNodeFactory.instance.objectNode().put("position", i)));
            }
            parking.park(new EventStore.Actor(null, null, false), events);
        }
        // What the code before issue 13 parked for a 202: a NUL PostgreSQL refuses in text and in jsonb keys.
        String nulInText = plantPoison(row(anon + "-nul\u0000", at, JsonNodeFactory.instance.objectNode()));
        ObjectNode nulKey = JsonNodeFactory.instance.objectNode();
        nulKey.putObject("source").put("a\u0000b", 1);
        String nulInJsonbKey = plantPoison(row(anon + "-key", at, nulKey));
        String unreadable = plantItem("{not json");

        EmbeddedStores stores = PaddockStoresTestResource.stores();
        String first = new MaintenanceHandler().run(stores.environment(), true);

        assertTrue(first.contains("\"quarantined\":3"), first);
        assertEquals(goodEvents, stored(anon), "every good event, each once");
        assertEquals(0, stored(anon + "-"), "nothing of the poison batches");
        assertEquals(0, unquarantinedHolding(anon), "every good batch left the table once stored");
        for (String poison : List.of(nulInText, nulInJsonbKey)) {
            Map<String, AttributeValue> item = item(poison);
            assertNotNull(item.get(ParkedBatches.QUARANTINED_AT), poison);
            assertTrue(item.get(ParkedBatches.QUARANTINE_REASON).s().matches("(?s)refused by PostgreSQL \\(SQLState 22\\w+\\).*"),
                    item.get(ParkedBatches.QUARANTINE_REASON).s());
        }
        assertTrue(item(unreadable).get(ParkedBatches.QUARANTINE_REASON).s().startsWith("unreadable"));
        Map<String, AttributeValue> planted = item(nulInText);
        long expires = Long.parseLong(planted.get(ParkedBatches.EXPIRES_AT).n());
        assertTrue(expires > Instant.now().plus(Duration.ofDays(29)).getEpochSecond(),
                "an item parked before expiresAt existed gets one when quarantined: " + expires);

        String second = new MaintenanceHandler().run(stores.environment(), true);

        assertTrue(second.contains("\"quarantined\":0"), second);
        assertEquals(planted, item(nulInText), "a quarantined batch is not touched again");
        assertEquals(goodEvents, stored(anon));
        for (String poison : List.of(nulInText, nulInJsonbKey, unreadable)) {
            dynamo().deleteItem(r -> r.tableName(table()).key(Map.of(ParkedBatches.BATCH_ID, AttributeValue.fromS(poison))));
        }
    }

    @Test
    void aParkedBatchExpiresOneRetentionPeriodAfterItWasParked() {
        String anon = "ttl-" + UUID.randomUUID();
        long before = Instant.now().getEpochSecond();
        parking.park(new EventStore.Actor(null, null, false), List.of(new UsageEvent(UUID.randomUUID(), anon, "open", null, null,
                null, null, Instant.now(), JsonNodeFactory.instance.objectNode())));
        long after = Instant.now().getEpochSecond();

        List<Map<String, AttributeValue>> items = holding(anon);
        assertEquals(1, items.size());
        long expiresAt = Long.parseLong(items.get(0).get(ParkedBatches.EXPIRES_AT).n());
        long retention = Duration.ofDays(30).toSeconds(); // PADDOCK_TELEMETRY_RETENTION_DAYS' default
        assertTrue(expiresAt >= before + retention && expiresAt <= after + retention,
                "expiresAt " + expiresAt + " is parking time + 30 days, in epoch seconds");
        dynamo().deleteItem(r -> r.tableName(table()).key(Map.of(ParkedBatches.BATCH_ID, items.get(0).get(ParkedBatches.BATCH_ID))));
    }

    /** A parked event row as ParkedBatches writes it. */
    private static ObjectNode row(String anonymousId, Instant occurredAt, ObjectNode meta) {
        ObjectNode row = JSON.createObjectNode();
        row.put("eventId", UUID.randomUUID().toString());
        row.put("anonymousId", anonymousId);
        row.put("type", "click");
        row.put("occurredAt", occurredAt.toString());
        row.set("meta", meta);
        return row;
    }

    private String plantPoison(ObjectNode row) {
        ArrayNode rows = JSON.createArrayNode().add(row);
        return plantItem(rows.toString());
    }

    /** An item as parked before issue 13: no expiresAt. */
    private String plantItem(String events) {
        String batchId = Ids.uuidV7().toString();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ParkedBatches.BATCH_ID, AttributeValue.fromS(batchId));
        item.put(ParkedBatches.ADMIN, AttributeValue.fromBool(false));
        item.put(ParkedBatches.EVENTS, AttributeValue.fromS(events));
        item.put(ParkedBatches.COUNT, AttributeValue.fromN("1"));
        item.put(ParkedBatches.PARKED_AT, AttributeValue.fromS(Instant.now().toString()));
        dynamo().putItem(r -> r.tableName(table()).item(item));
        return batchId;
    }

    private Map<String, AttributeValue> item(String batchId) {
        return dynamo().getItem(r -> r.tableName(table()).consistentRead(true)
                .key(Map.of(ParkedBatches.BATCH_ID, AttributeValue.fromS(batchId)))).item();
    }

    private List<Map<String, AttributeValue>> holding(String text) {
        return dynamo().scanPaginator(r -> r.tableName(table()).consistentRead(true)
                        .filterExpression("contains(#events, :text)")
                        .expressionAttributeNames(Map.of("#events", ParkedBatches.EVENTS))
                        .expressionAttributeValues(Map.of(":text", AttributeValue.fromS(text))))
                .items().stream().toList();
    }

    private long unquarantinedHolding(String text) {
        return holding(text).stream().filter(item -> !item.containsKey(ParkedBatches.QUARANTINED_AT)).count();
    }

    private String table() {
        return settings.parkedEventsTable();
    }

    private static DynamoDbClient dynamo() {
        return PaddockStoresTestResource.stores().dynamoDbClient();
    }

    /** Rows whose anonymous_id starts with {@code prefix}. */
    private static long stored(String prefix) throws Exception {
        try (Connection c = Migrations.connect(PaddockStoresTestResource.stores().databaseUrl());
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM usage_events WHERE starts_with(anonymous_id, ?)")) {
            s.setString(1, prefix);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
