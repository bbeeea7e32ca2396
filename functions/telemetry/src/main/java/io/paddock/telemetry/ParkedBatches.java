package io.paddock.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paddock.shared.ids.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Usage-event batches that could not reach PostgreSQL because it was unreachable, kept durably in
 * DynamoDB (table ParkedEventsTable) until the maintenance handler stores them. A parked batch holds the
 * events exactly as they would have been inserted — validated, meta already scrubbed, with their
 * actor and whether each impression was served — so the replay is the same idempotent insert (each
 * (actor, eventId) claimed once in usage_event_ids, whatever occurredAt says) and an item is deleted only
 * after its transaction committed: a replay that dies halfway
 * is simply run again, and nothing is stored twice.
 *
 * <p>Hazards and how they are contained. A batch PostgreSQL refuses for its content (validation let
 * something through, a partition was dropped while it waited) fails the same way on every run; it is
 * quarantined — marked in place with {@code quarantinedAt} and {@code quarantineReason}, skipped by every
 * later scan — and the replay goes on with the batches behind it. An outage during the replay is not the
 * batch's fault: the run stops and the next one starts over. Every item carries {@code expiresAt} (epoch
 * seconds, the table's TTL attribute) one retention period after parking, quarantined ones included: by
 * then its events would be pruned anyway, so nothing stays forever. Cost: every scan still reads the
 * quarantined items (a filter applies after the read and the read capacity is spent) until they expire.
 */
@ApplicationScoped
public class ParkedBatches {

    static final String BATCH_ID = "batchId";
    static final String USER_ID = "userId";
    static final String ADMIN = "admin";
    static final String EVENTS = "events";
    static final String COUNT = "count";
    static final String PARKED_AT = "parkedAt";
    /** DynamoDB's TTL attribute of the table: epoch seconds after which DynamoDB deletes the item. */
    static final String EXPIRES_AT = "expiresAt";
    /** Set when the replay gave up on the batch for its content; such an item is never replayed again. */
    static final String QUARANTINED_AT = "quarantinedAt";
    static final String QUARANTINE_REASON = "quarantineReason";

    /** A reason is a PostgreSQL message or a parse error; the first this many characters say enough. */
    static final int MAX_REASON_LENGTH = 500;

    /** What a replay run did: {@code batches} stored and deleted, {@code quarantined} set aside for good. */
    public record Replay(int batches, int events, int stored, int duplicates, int quarantined) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ParkedBatches.class);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final Clock clock;

    @Inject
    public ParkedBatches(DynamoDbClient dynamo, TelemetrySettings settings) {
        this(dynamo, settings.parkedEventsTable(), Duration.ofDays(settings.retentionDays()), Clock.systemUTC());
    }

    /** @param retention how long an item may stay (its TTL); the telemetry retention */
    public ParkedBatches(DynamoDbClient dynamo, String table, Duration retention, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
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
            row.put("served", e.served());
        }
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(BATCH_ID, AttributeValue.fromS(Ids.uuidV7().toString()));
        if (actor.userId() != null) {
            item.put(USER_ID, AttributeValue.fromS(actor.userId().toString()));
        }
        item.put(ADMIN, AttributeValue.fromBool(actor.admin()));
        item.put(EVENTS, AttributeValue.fromS(rows.toString()));
        item.put(COUNT, AttributeValue.fromN(Integer.toString(events.size())));
        item.put(PARKED_AT, AttributeValue.fromS(now.toString()));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(expiry(now))));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private long expiry(Instant from) {
        return from.plus(retention).getEpochSecond();
    }

    /**
     * Stores every parked batch that is not quarantined through {@code connection} (one transaction per
     * batch) and deletes each once committed; a batch refused for its content, or unreadable, is quarantined
     * and the run goes on. At most {@code maxBatches} per run (stored and quarantined together), so one run
     * stays inside its time limit. Throws when PostgreSQL fails for any other reason (an outage above all):
     * the batch stays as it is for the next run.
     */
    public Replay replay(Connection connection, int maxBatches) throws SQLException {
        int batches = 0;
        int events = 0;
        int stored = 0;
        int quarantined = 0;
        Map<String, AttributeValue> start = null;
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse page = dynamo.scan(r -> r.tableName(table).consistentRead(true).limit(25).exclusiveStartKey(from)
                        .filterExpression("attribute_not_exists(#quarantined)")
                        .expressionAttributeNames(Map.of("#quarantined", QUARANTINED_AT)));
                for (Map<String, AttributeValue> item : page.items()) {
                    if (batches + quarantined >= maxBatches) {
                        return new Replay(batches, events, stored, events - stored, quarantined);
                    }
                    List<UsageEvent> rows;
                    EventStore.Actor actor;
                    try {
                        rows = rows(item.get(EVENTS).s());
                        actor = actor(item);
                    } catch (RuntimeException unreadable) {
                        quarantine(item, "unreadable: " + unreadable);
                        quarantined++;
                        continue;
                    }
                    try {
                        stored += EventStore.insert(connection, actor, rows);
                        connection.commit();
                    } catch (SQLException e) {
                        connection.rollback();
                        if (!EventStore.refusedForContent(e)) {
                            throw e;
                        }
                        quarantine(item, "refused by PostgreSQL (SQLState " + e.getSQLState() + "): " + e.getMessage());
                        quarantined++;
                        continue;
                    } catch (RuntimeException e) {
                        // Nothing was sent that could fail this way but the batch's own values (a null the
                        // insert cannot bind): the same batch would fail every run.
                        connection.rollback();
                        quarantine(item, "not insertable: " + e);
                        quarantined++;
                        continue;
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
        return new Replay(batches, events, stored, events - stored, quarantined);
    }

    /**
     * The dead-letter record: the item stays where it is, marked, so an operator can read what was refused
     * and why; items parked before expiresAt existed get one now, so a quarantined one never stays forever.
     * The condition keeps a concurrent run's delete from being undone by a new, half-empty item.
     */
    private void quarantine(Map<String, AttributeValue> item, String reason) {
        String why = reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) + "…" : reason;
        Instant now = clock.instant();
        LOG.errorf("parked usage-event batch %s quarantined, not replayed again: %s", item.get(BATCH_ID).s(), why);
        try {
            dynamo.updateItem(r -> r.tableName(table).key(Map.of(BATCH_ID, item.get(BATCH_ID)))
                    .conditionExpression("attribute_exists(#id)")
                    .updateExpression("SET #at = :at, #why = :why, #expires = if_not_exists(#expires, :expires)")
                    .expressionAttributeNames(Map.of("#id", BATCH_ID, "#at", QUARANTINED_AT, "#why", QUARANTINE_REASON,
                            "#expires", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(now.toString()),
                            ":why", AttributeValue.fromS(why), ":expires", AttributeValue.fromN(Long.toString(expiry(now))))));
        } catch (ConditionalCheckFailedException goneMeanwhile) {
            // Another run stored or quarantined it first: nothing left to mark.
        }
    }

    private static EventStore.Actor actor(Map<String, AttributeValue> item) {
        AttributeValue user = item.get(USER_ID);
        return new EventStore.Actor(user == null ? null : UUID.fromString(user.s()), null,
                Boolean.TRUE.equals(item.get(ADMIN).bool()));
    }

    static List<UsageEvent> rows(String json) {
        try {
            List<UsageEvent> out = new ArrayList<>();
            for (JsonNode row : JSON.readTree(json)) {
                out.add(new UsageEvent(UUID.fromString(row.get("eventId").asText()), text(row, "anonymousId"),
                        row.get("type").asText(), text(row, "itemId"), text(row, "surface"), text(row, "lane"),
                        text(row, "feedRequestId"), Instant.parse(row.get("occurredAt").asText()),
                        meta(row), served(row)));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a parked batch is not readable: " + e.getMessage(), e);
        }
    }

    private static ObjectNode meta(JsonNode row) {
        if (row.get("meta") instanceof ObjectNode meta) {
            return meta;
        }
        throw new IllegalStateException("a parked event has no meta object");
    }

    /** Decided when the batch was parked; batches parked before it existed hold none (unknown). */
    private static Boolean served(JsonNode row) {
        JsonNode value = row.get("served");
        return value == null || value.isNull() ? null : value.asBoolean();
    }

    private static String text(JsonNode row, String field) {
        JsonNode value = row.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
