package io.paddock.auth;

import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.audit.AuditTrail;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.http.Timestamps;
import io.paddock.shared.ids.Ids;
import io.paddock.shared.ids.RenewableRandom;
import io.paddock.shared.ids.Sha256;
import io.paddock.shared.observability.RequestRecords;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Refresh tokens as rotating families (RFC 9700 §4.14.2), one DynamoDB item per login.
 *
 * <p>A token is {@code <familyId>.<secret>}: 32 random bytes, Base64url. Only the SHA-256 of the secret
 * is stored ({@code currentHash}); a stolen table does not hold a usable token. Each refresh spends the
 * presented token and writes the next one with a conditional update
 * ({@code currentHash = :presented AND revoked = false}), so of two refreshes racing with one token
 * exactly one rotates.
 *
 * <p>Multi-tab grace (contract): the spent token stays recognisable as {@code parentHash} together with
 * the pair that replaced it, encrypted with AES-256-GCM under HMAC-SHA256(parent secret, "paddock-grace").
 * Presented again within the grace period, the parent gets that same pair back — the loser of a race, or
 * a second tab, ends up with the one pair that was minted. Only a holder of the parent can decrypt it;
 * the table alone cannot.
 *
 * <p>A token is judged whole (contract v1.1). The family id alone is no secret (it is in logs, and a
 * refresh token's first half), so only a secret this family really issued can revoke it: every spent
 * secret leaves a marker item {@code <familyId>#spent#<hash>} in the same table. Any other spent token (the
 * parent after the grace period, or an older one, found by its marker) means the family's tokens leaked:
 * the family is revoked, and with it every access token it issued — they carry the family as {@code fid},
 * and the family goes on the Redis denylist ({@link AccessTokens#revokeFamily}). A secret the family never
 * issued is a plain 401 that revokes nothing.
 *
 * <p>The marker is written before the conditional rotate, not with it in one transaction: that way two
 * tabs racing with one token still meet at the one conditional write (one wins, the other takes the grace
 * path), where concurrent transactions on the family item would cancel each other (TransactionConflict)
 * with no winner to read yet. Written first, a marker can exist for a secret whose rotation then failed;
 * that secret was still issued by the family, and as long as it is current it rotates as usual. Hazards:
 * one extra write (1 WCU) per refresh. A marker expires like the family would have at its write (the
 * refresh-token lifetime after the spend, DynamoDB TTL), so a secret spent longer ago than that is no
 * longer known: a plain 401. Markers carry no {@code userId}, so they stay out of the {@code byUser} index,
 * and a presented family id is a UUID, so no token can name a marker as its family.
 *
 * <p>Revoking is conditional ({@code revoked} still false), so of two reuses racing on one family exactly one
 * revokes it, and only that one writes the audit trail's row for the reuse.
 *
 * <p>The family item keeps the time of the sign-in that opened it ({@code authTime}), and every access token it
 * mints carries that as {@code auth_time}, so a route that needs a recent sign-in cannot be satisfied by
 * refreshing. Account deletion revokes every family of the account through the {@code byUser} index
 * ({@link #revokeEveryFamilyOf}).
 */
@ApplicationScoped
public class RefreshTokens {

    private static final Logger LOG = Logger.getLogger(RefreshTokens.class);

    /** What a refresh token looks like: a UUID, a dot, 43 Base64url characters (32 bytes). */
    /**
     * The family id, a dot and the 32-byte secret in unpadded base64url: 43 characters, the last of which holds 4
     * bits and two zero bits (so one of 16). Only the spelling that was issued is a token: with any last character
     * a decoder ignoring those two bits would take four spellings of one secret.
     */
    public static final String TOKEN_PATTERN =
            "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$";
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile(TOKEN_PATTERN);
    static final int SECRET_BYTES = 32;
    private static final byte[] GRACE_KEY_LABEL = "paddock-grace".getBytes(StandardCharsets.US_ASCII);

    // Attributes of a family item (template.yaml: RefreshTokenFamiliesTable, key familyId, GSI byUser).
    static final String FAMILY_ID = "familyId";
    static final String USER_ID = "userId";
    static final String ROLE = "role";
    static final String CURRENT_HASH = "currentHash";
    static final String PARENT_HASH = "parentHash";
    static final String CREATED_AT = "createdAt";
    static final String ROTATED_AT = "rotatedAt";
    static final String EXPIRES_AT = "expiresAt";
    static final String REVOKED = "revoked";
    static final String GRACE_PAIR = "gracePair";
    /** Epoch seconds of the sign-in that opened the family: every access token it mints carries it as auth_time. */
    static final String AUTH_TIME = "authTime";
    /** The GSI of the families by owner (template.yaml), for revoking every session of an account. */
    static final String BY_USER = "byUser";
    /** Between a family id and a spent secret's hash in a marker's key: never part of a UUID. */
    static final String SPENT = "#spent#";

    static final String NEW_FAMILY_CONDITION = "attribute_not_exists(#familyId)";
    static final String ROTATE = "SET #currentHash = :next, #parentHash = :presented, #rotatedAt = :now, "
            + "#expiresAt = :expires, #gracePair = :gracePair, #role = :role";
    static final String ONLY_IF_CURRENT = "#currentHash = :presented AND #revoked = :false";
    static final String REVOKE = "SET #revoked = :true REMOVE #gracePair";
    static final String ONLY_IF_NOT_REVOKED = "attribute_not_exists(#revoked) OR #revoked = :false";
    static final String ONLY_IF_OWNED_BY = "#userId = :userId";

    /** The presented token was not usable: 401. The message is for logs only. */
    public static class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    record Presented(String familyId, byte[] secret, String hash) {
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final AccessTokens accessTokens;
    private final Accounts accounts;
    private final AuditTrail audit;
    private final Duration ttl;
    private final Duration grace;
    /** Refresh-token secrets: renewed after every SnapStart restore, so restored copies never issue the same one. */
    private final RenewableRandom random = RenewableRandom.create();

    public RefreshTokens(DynamoDbClient dynamo, AccessTokens accessTokens, Accounts accounts, RefreshTokenSettings settings,
            AuditTrail audit) {
        this.dynamo = dynamo;
        this.table = settings.table();
        this.accessTokens = accessTokens;
        this.accounts = accounts;
        this.audit = audit;
        this.ttl = settings.ttl();
        this.grace = settings.gracePeriod();
    }

    /** A new family for a login or registration: its first refresh token and an access token. */
    public TokenPair open(UUID userId, String role) {
        String familyId = Ids.uuidV7().toString();
        byte[] secret = newSecret();
        Instant now = Instant.now();
        // Whole seconds, as the claim carries it: the family and its first token say the same.
        Instant signedIn = Instant.ofEpochSecond(now.getEpochSecond());
        AccessTokens.Issued access = accessTokens.issue(userId, role, familyId, signedIn);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(FAMILY_ID, s(familyId));
        item.put(USER_ID, s(userId.toString()));
        item.put(ROLE, s(role));
        item.put(CURRENT_HASH, s(hash(secret)));
        item.put(CREATED_AT, s(Timestamps.format(now)));
        item.put(ROTATED_AT, n(now.toEpochMilli()));
        item.put(EXPIRES_AT, n(now.plus(ttl).getEpochSecond()));
        item.put(REVOKED, AttributeValue.fromBool(false));
        item.put(AUTH_TIME, n(signedIn.getEpochSecond()));
        dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression(NEW_FAMILY_CONDITION)
                .expressionAttributeNames(Map.of("#familyId", FAMILY_ID)));
        return new TokenPair(access.token(), familyId + "." + encode(secret), access.expiresInSeconds());
    }

    /**
     * Spends the presented token and returns the next pair (or, within the grace period, the pair its
     * first use already got). Throws {@link Refused} for anything else, revoking the family on reuse of a
     * secret it issued; a secret it never issued revokes nothing.
     */
    public TokenPair rotate(String token) throws Refused, SQLException {
        Presented presented = parse(token).orElseThrow(() -> new Refused("malformed"));
        Map<String, AttributeValue> family = read(presented.familyId());
        if (family == null) {
            throw new Refused("no such family");
        }
        if (unusable(family)) {
            throw new Refused("family revoked or expired");
        }
        if (same(presented.hash(), str(family, CURRENT_HASH))) {
            UUID userId = UUID.fromString(str(family, USER_ID));
            // The role is read afresh, so a demoted admin's next access token says so; a deleted user stops here.
            Optional<Accounts.Account> account = accounts.findById(userId);
            if (account.isEmpty()) {
                revoke(family, "account gone");
                throw new Refused("account gone");
            }
            try {
                return rotateFrom(presented, account.get().role(), userId, authTime(family));
            } catch (ConditionalCheckFailedException lostRace) {
                LOG.debugf("family %s: lost a rotation race, answering from the grace pair", presented.familyId());
                family = read(presented.familyId()); // the winner's write, with its pair for us
                if (family == null || unusable(family)) {
                    throw new Refused("family revoked during the race");
                }
            }
        }
        boolean parent = same(presented.hash(), str(family, PARENT_HASH));
        if (parent && withinGrace(family)) {
            Optional<TokenPair> again = openGracePair(presented, family);
            if (again.isPresent()) {
                return again.get();
            }
        }
        if (!parent && !spent(presented)) {
            // Only the family id is known to the presenter (a log, a guess): revoking would hand anyone a logout button.
            LOG.infof("family %s: a refresh token with a secret the family never issued, refused; nothing revoked",
                    presented.familyId());
            throw new Refused("unknown secret");
        }
        if (revoke(family, "reuse of a spent refresh token")) {
            // Nobody signed in did this (the presenter may be the thief), so no actor; the target is the family's user.
            audit.record(AuditAction.REFRESH_TOKEN_REUSED, null, str(family, USER_ID),
                    Map.of("familyId", str(family, FAMILY_ID)));
        }
        throw new Refused("reuse");
    }

    /**
     * Logout: revokes the token's family when it belongs to {@code userId} (anyone else's, or an unknown
     * one, is left alone) and every access token it issued. Returns whether a family was revoked. A Redis
     * failure is thrown: the caller must not believe its access tokens are refused.
     */
    public boolean close(String token, UUID userId) {
        Optional<Presented> presented = parse(token);
        if (presented.isEmpty()) {
            return false;
        }
        Map<String, AttributeValue> family = read(presented.get().familyId());
        if (family == null || !userId.toString().equals(str(family, USER_ID))) {
            return false;
        }
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(presented.get().familyId()))
                    .updateExpression(REVOKE).conditionExpression(ONLY_IF_OWNED_BY)
                    .expressionAttributeNames(Map.of("#revoked", REVOKED, "#gracePair", GRACE_PAIR, "#userId", USER_ID))
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true), ":userId", s(userId.toString()))));
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
        accessTokens.revokeFamily(presented.get().familyId());
        return true;
    }

    private TokenPair rotateFrom(Presented presented, String role, UUID userId, Instant authTime) {
        byte[] next = newSecret();
        // The family's sign-in, not now: a refresh proves possession of a token, not who the user is.
        AccessTokens.Issued access = accessTokens.issue(userId, role, presented.familyId(), authTime);
        TokenPair pair = new TokenPair(access.token(), presented.familyId() + "." + encode(next), access.expiresInSeconds());
        Instant now = Instant.now();
        // First the marker, then the rotate (see the class comment): the secret is known as spent before it is.
        dynamo.putItem(r -> r.tableName(table).item(Map.of(FAMILY_ID, s(spentKey(presented)),
                EXPIRES_AT, n(now.plus(ttl).getEpochSecond()))));
        Map<String, String> names = new HashMap<>();
        for (String attribute : new String[] {CURRENT_HASH, PARENT_HASH, ROTATED_AT, EXPIRES_AT, GRACE_PAIR, ROLE,
                REVOKED}) {
            names.put("#" + attribute, attribute);
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", s(hash(next)));
        values.put(":presented", s(presented.hash()));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":expires", n(now.plus(ttl).getEpochSecond()));
        values.put(":gracePair", s(seal(presented, pair, access.expiresAt())));
        values.put(":role", s(role));
        values.put(":false", AttributeValue.fromBool(false));
        // If this throws ConditionalCheckFailed, the access token minted above never leaves this method.
        dynamo.updateItem(r -> r.tableName(table).key(key(presented.familyId())).updateExpression(ROTATE)
                .conditionExpression(ONLY_IF_CURRENT).expressionAttributeNames(names).expressionAttributeValues(values));
        return pair;
    }

    private Optional<TokenPair> openGracePair(Presented presented, Map<String, AttributeValue> family) {
        String sealed = str(family, GRACE_PAIR);
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            byte[] blob = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, graceKey(presented.secret()), new GCMParameterSpec(128, blob, 0, 12));
            cipher.updateAAD(presented.familyId().getBytes(StandardCharsets.US_ASCII));
            String[] parts = new String(cipher.doFinal(blob, 12, blob.length - 12), StandardCharsets.UTF_8).split("\n");
            long expiresIn = Math.max(0, Long.parseLong(parts[2]) - Instant.now().getEpochSecond());
            return Optional.of(new TokenPair(parts[0], parts[1], expiresIn));
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.warnf("grace pair of family %s not readable: %s", presented.familyId(), e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private String seal(Presented parent, TokenPair pair, Instant accessExpiresAt) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, graceKey(parent.secret()), new GCMParameterSpec(128, iv));
            cipher.updateAAD(parent.familyId().getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal((pair.accessToken() + "\n" + pair.refreshToken() + "\n"
                    + accessExpiresAt.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
            byte[] blob = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, blob, 0, iv.length);
            System.arraycopy(sealed, 0, blob, iv.length, sealed.length);
            return Base64.getEncoder().encodeToString(blob);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static SecretKeySpec graceKey(byte[] parentSecret) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(parentSecret, "HmacSHA256"));
        return new SecretKeySpec(mac.doFinal(GRACE_KEY_LABEL), "AES");
    }

    /**
     * The family is refused from now on, and so is every access token it issued (their {@code fid}), the
     * newest included: the family key on the denylist makes a per-token entry for it redundant. Returns false,
     * doing nothing, when another request revoked it first (that one listed it).
     */
    private boolean revoke(Map<String, AttributeValue> family, String why) {
        String familyId = str(family, FAMILY_ID);
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(familyId)).updateExpression(REVOKE)
                    .conditionExpression(ONLY_IF_NOT_REVOKED)
                    .expressionAttributeNames(Map.of("#revoked", REVOKED, "#gracePair", GRACE_PAIR))
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true), ":false", AttributeValue.fromBool(false))));
        } catch (ConditionalCheckFailedException alreadyRevoked) {
            return false;
        }
        LOG.warnf("refresh-token family %s revoked: %s", familyId, why);
        try {
            accessTokens.revokeFamily(familyId);
        } catch (RuntimeException redisDown) {
            // The presenter gets its 401 either way; the family's access tokens then live out their 15 minutes,
            // as they would with Redis down at verification (fail open).
            LOG.warnf("refresh-token family %s: its access tokens could not be listed as revoked (%s)", familyId,
                    redisDown.getClass().getSimpleName());
            RequestRecords.current().degraded("family-revocation-unlisted");
        }
        return true;
    }

    /**
     * The account is gone: every family of {@code userId} is revoked, with every access token it issued
     * ({@link AccessTokens#revokeFamily}), {@code lastFamilyId} (the caller's own, or null) last — once its access
     * tokens are refused, a retry of the caller could no longer get in, so everything else must be done by then.
     * Families are found by the {@code byUser} index, whose reads are eventually consistent: a family opened in the
     * last instant may be missing there, which is why the caller's own is named. Revoking is idempotent (a family
     * already revoked is revoked again). A DynamoDB or Redis failure is thrown: the deletion is not done, and may
     * be retried. Returns how many families were revoked.
     */
    public int revokeEveryFamilyOf(UUID userId, String lastFamilyId) {
        LinkedHashSet<String> families = new LinkedHashSet<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            var page = dynamo.query(r -> r.tableName(table).indexName(BY_USER)
                    .keyConditionExpression("#userId = :userId").projectionExpression("#familyId")
                    .expressionAttributeNames(Map.of("#userId", USER_ID, "#familyId", FAMILY_ID))
                    .expressionAttributeValues(Map.of(":userId", s(userId.toString())))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> families.add(str(item, FAMILY_ID)));
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        if (lastFamilyId != null) {
            families.remove(lastFamilyId);
            families.add(lastFamilyId);
        }
        for (String familyId : families) {
            try {
                // Only an item that exists: an update would otherwise create a stub without an expiry.
                dynamo.updateItem(r -> r.tableName(table).key(key(familyId)).updateExpression(REVOKE)
                        .conditionExpression("attribute_exists(#familyId)")
                        .expressionAttributeNames(Map.of("#revoked", REVOKED, "#gracePair", GRACE_PAIR, "#familyId", FAMILY_ID))
                        .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
            } catch (ConditionalCheckFailedException expired) {
                // Gone by its TTL meanwhile: no refresh token of it works, but its last access tokens still might.
            }
            accessTokens.revokeFamily(familyId);
        }
        LOG.infof("account %s gone: %d refresh-token families revoked", userId, families.size());
        return families.size();
    }

    /** The sign-in time the family's tokens carry; null for a family opened before families stored it. */
    private static Instant authTime(Map<String, AttributeValue> family) {
        AttributeValue v = family.get(AUTH_TIME);
        return v == null || v.n() == null ? null : Instant.ofEpochSecond(Long.parseLong(v.n()));
    }

    /** Whether the presented secret is one this family issued and spent (its marker exists). */
    private boolean spent(Presented presented) {
        Map<String, AttributeValue> marker = dynamo.getItem(r -> r.tableName(table).key(key(spentKey(presented)))
                .consistentRead(true).projectionExpression("#familyId")
                .expressionAttributeNames(Map.of("#familyId", FAMILY_ID))).item();
        return marker != null && !marker.isEmpty();
    }

    static String spentKey(Presented presented) {
        return presented.familyId() + SPENT + presented.hash();
    }

    private Map<String, AttributeValue> read(String familyId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(familyId)).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? null : item;
    }

    private boolean unusable(Map<String, AttributeValue> family) {
        AttributeValue revoked = family.get(REVOKED);
        if (revoked != null && Boolean.TRUE.equals(revoked.bool())) {
            return true;
        }
        AttributeValue expires = family.get(EXPIRES_AT);
        return expires == null || Long.parseLong(expires.n()) <= Instant.now().getEpochSecond();
    }

    private boolean withinGrace(Map<String, AttributeValue> family) {
        AttributeValue rotated = family.get(ROTATED_AT);
        return rotated != null
                && Instant.now().toEpochMilli() - Long.parseLong(rotated.n()) <= grace.toMillis();
    }

    static Optional<Presented> parse(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        byte[] secret = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        return Optional.of(new Presented(token.substring(0, dot), secret, hash(secret)));
    }

    private byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return secret;
    }

    static String hash(byte[] secret) {
        return encode(Sha256.digest(secret));
    }

    private static boolean same(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, AttributeValue> key(String familyId) {
        return Map.of(FAMILY_ID, s(familyId));
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
