package io.paddock.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.ids.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Usage-event batches that could not reach PostgreSQL, kept durably in DynamoDB (table
 * ParkedEventsTable, no TTL) until the maintenance handler stores them. A parked batch holds the
 * events exactly as they would have been inserted — validated, meta already scrubbed, with their
 * actor — so the replay is the same idempotent insert (ON CONFLICT DO NOTHING on actor, eventId,
 * occurredAt) and an item is deleted only after its transaction committed: a replay that dies halfway
 * is simply run again, and nothing is stored twice.
 */
@ApplicationScoped
public class ParkedBatches {

    static final String BATCH_ID = "batchId";
    static final String USER_ID = "userId";
    static final String ADMIN = "admin";
    static final String EVENTS = "events";
    static final String COUNT = "count";
    static final String PARKED_AT = "parkedAt";

    /** What a replay run did. */
    public record Replay(int batches, int events, int stored, int duplicates) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;
    private final String table;

    @Inject
    public ParkedBatches(DynamoDbClient dynamo, PaddockConfig config) {
        this(dynamo, config.dynamodb().parkedEventsTable());
    }

    public ParkedBatches(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Keeps the batch durably; throws when DynamoDB does not take it (then the client must retry). */
    public void park(EventStore.Actor actor, List<UsageEvent> events) {
        ArrayNode rows = JSON.createArrayNode();
        for (UsageEvent e : events) {
            ObjectNode row = rows.addObject();
            row.put("eventId", e.eventId().toString());
            row.put("anonymousId", e.anonymousId());
            row.put("type", e.type());
            row.put("itemId", e.itemId());
            row.put("surface", e.surface());
            row.put("lane", e.lane());
            row.put("feedRequestId", e.feedRequestId());
            row.put("occurredAt", e.occurredAt().toString());
            row.set("meta", e.meta());
        }
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(BATCH_ID, AttributeValue.fromS(Ids.uuidV7().toString()));
        if (actor.userId() != null) {
            item.put(USER_ID, AttributeValue.fromS(actor.userId().toString()));
        }
        item.put(ADMIN, AttributeValue.fromBool(actor.admin()));
        item.put(EVENTS, AttributeValue.fromS(rows.toString()));
        item.put(COUNT, AttributeValue.fromN(Integer.toString(events.size())));
        item.put(PARKED_AT, AttributeValue.fromS(Instant.now().toString()));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    /**
     * Stores every parked batch through {@code connection} (one transaction per batch) and deletes
     * each once committed. At most {@code maxBatches} per run, so one run stays inside its time limit.
     */
    public Replay replay(Connection connection, int maxBatches) throws SQLException {
        int batches = 0;
        int events = 0;
        int stored = 0;
        Map<String, AttributeValue> start = null;
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse page = dynamo.scan(r -> r.tableName(table).consistentRead(true).limit(25).exclusiveStartKey(from));
                for (Map<String, AttributeValue> item : page.items()) {
                    if (batches >= maxBatches) {
                        return new Replay(batches, events, stored, events - stored);
                    }
                    List<UsageEvent> rows = rows(item.get(EVENTS).s());
                    AttributeValue user = item.get(USER_ID);
                    EventStore.Actor actor = new EventStore.Actor(user == null ? null : UUID.fromString(user.s()), null,
                            Boolean.TRUE.equals(item.get(ADMIN).bool()));
                    try {
                        stored += EventStore.insert(connection, actor, rows);
                        connection.commit();
                    } catch (SQLException | RuntimeException e) {
                        connection.rollback();
                        throw e;
                    }
                    // Only now: if this delete fails, the next run inserts the same rows again, as no-ops.
                    dynamo.deleteItem(r -> r.tableName(table).key(Map.of(BATCH_ID, item.get(BATCH_ID))));
                    batches++;
                    events += rows.size();
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return new Replay(batches, events, stored, events - stored);
    }

    static List<UsageEvent> rows(String json) {
        try {
            List<UsageEvent> out = new ArrayList<>();
            for (JsonNode row : JSON.readTree(json)) {
                out.add(new UsageEvent(UUID.fromString(row.get("eventId").asText()), text(row, "anonymousId"),
                        row.get("type").asText(), text(row, "itemId"), text(row, "surface"), text(row, "lane"),
                        text(row, "feedRequestId"), Instant.parse(row.get("occurredAt").asText()),
                        (ObjectNode) row.get("meta")));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a parked batch is not readable: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode row, String field) {
        JsonNode value = row.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
