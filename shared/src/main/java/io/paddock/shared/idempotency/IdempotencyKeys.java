package io.paddock.shared.idempotency;

import io.paddock.shared.config.PaddockConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The contract's Idempotency-Key records in DynamoDB (IdempotencyTable, TTL on expiresAt). A record is
 * claimed with a conditional write — of two concurrent requests with one key exactly one wins — then
 * completed with the response, which is replayed for 24 h. A claim older than {@link #CLAIM} (a crashed
 * request) may be taken over.
 */
@ApplicationScoped
public class IdempotencyKeys {

    /** How long a completed answer is replayed. */
    public static final Duration KEEP = Duration.ofHours(24);
    static final Duration CLAIM = Duration.ofSeconds(30);
    static final String PK = "pk";
    static final String FINGERPRINT = "fingerprint";
    static final String STATE = "state";
    static final String STATUS = "status";
    static final String CONTENT_TYPE = "contentType";
    static final String BODY = "body";
    static final String CLAIMED_AT = "claimedAt";
    static final String EXPIRES_AT = "expiresAt";

    /** What a claim found. */
    public sealed interface Claim {
        /** This request does the work. */
        record Won() implements Claim {
        }

        /** The same request finished before: send its response again. */
        record Replay(int status, String contentType, byte[] body) implements Claim {
        }

        /** The same key is being worked on right now. */
        record InProgress() implements Claim {
        }

        /** The key was used with another request. */
        record Mismatch() implements Claim {
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public IdempotencyKeys(DynamoDbClient dynamo, PaddockConfig config) {
        this.dynamo = dynamo;
        this.table = config.dynamodb().idempotencyTable();
    }

    public Claim claim(String pk, String fingerprint) {
        Instant now = Instant.now();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(pk));
        item.put(FINGERPRINT, AttributeValue.fromS(fingerprint));
        item.put(STATE, AttributeValue.fromS("claimed"));
        item.put(CLAIMED_AT, AttributeValue.fromN(Long.toString(now.toEpochMilli())));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(now.plus(KEEP).getEpochSecond())));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR (#state = :claimed AND #claimedAt < :stale) OR #expiresAt < :now")
                    .expressionAttributeNames(Map.of("#pk", PK, "#state", STATE, "#claimedAt", CLAIMED_AT, "#expiresAt", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":claimed", AttributeValue.fromS("claimed"),
                            ":stale", AttributeValue.fromN(Long.toString(now.minus(CLAIM).toEpochMilli())),
                            ":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())))));
            return new Claim.Won();
        } catch (ConditionalCheckFailedException taken) {
            Map<String, AttributeValue> existing = dynamo.getItem(r -> r.tableName(table).key(Map.of(PK, AttributeValue.fromS(pk)))
                    .consistentRead(true)).item();
            if (existing == null || existing.isEmpty()) {
                return claim(pk, fingerprint); // expired and removed between the two calls
            }
            if (!fingerprint.equals(existing.get(FINGERPRINT).s())) {
                return new Claim.Mismatch();
            }
            if ("done".equals(existing.get(STATE).s())) {
                return new Claim.Replay(Integer.parseInt(existing.get(STATUS).n()),
                        Optional.ofNullable(existing.get(CONTENT_TYPE)).map(AttributeValue::s).orElse(null),
                        existing.containsKey(BODY) ? existing.get(BODY).b().asByteArray() : new byte[0]);
            }
            return new Claim.InProgress();
        }
    }

    /**
     * The finished answer kept under {@code pk} for the same request ({@code fingerprint}), if any: a read that
     * claims nothing (for a caller that may no longer do the work, see {@code ReplayedAfterRevocation}).
     */
    public Optional<Claim.Replay> kept(String pk, String fingerprint) {
        Map<String, AttributeValue> existing = dynamo.getItem(r -> r.tableName(table).key(Map.of(PK, AttributeValue.fromS(pk)))
                .consistentRead(true)).item();
        if (existing == null || existing.isEmpty() || !"done".equals(existing.get(STATE).s())
                || !fingerprint.equals(existing.get(FINGERPRINT).s())
                || Long.parseLong(existing.get(EXPIRES_AT).n()) < Instant.now().getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.of(new Claim.Replay(Integer.parseInt(existing.get(STATUS).n()),
                Optional.ofNullable(existing.get(CONTENT_TYPE)).map(AttributeValue::s).orElse(null),
                existing.containsKey(BODY) ? existing.get(BODY).b().asByteArray() : new byte[0]));
    }

    /** Stores the finished response for replays. */
    public void complete(String pk, String fingerprint, int status, String contentType, byte[] body) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(pk));
        item.put(FINGERPRINT, AttributeValue.fromS(fingerprint));
        item.put(STATE, AttributeValue.fromS("done"));
        item.put(STATUS, AttributeValue.fromN(Integer.toString(status)));
        if (contentType != null) {
            item.put(CONTENT_TYPE, AttributeValue.fromS(contentType));
        }
        item.put(BODY, AttributeValue.fromB(SdkBytes.fromByteArray(body)));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(Instant.now().plus(KEEP).getEpochSecond())));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    /** The work failed in a way a retry may fix (5xx): the key is free again. */
    public void release(String pk) {
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of(PK, AttributeValue.fromS(pk)))
                .conditionExpression("#state = :claimed")
                .expressionAttributeNames(Map.of("#state", STATE))
                .expressionAttributeValues(Map.of(":claimed", AttributeValue.fromS("claimed"))));
    }
}
