package io.paddock.shared.auth;

import io.paddock.shared.http.ServiceUnavailable;
import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * The denylist that makes logout and reuse detection immediate, in Redis: revoked access-token ids
 * (jti) and revoked refresh-token families (fid), each kept until the last token it refuses would have
 * expired anyway.
 *
 * <p>A token minted from a family is refused when its jti or its family is listed; both are asked in one
 * {@code EXISTS} (one round trip per authenticated request, cut off quickly). ElastiCache Serverless is
 * cluster mode, where a command's keys must share one hash slot, so a family token's keys carry the
 * family as hash tag: {@code auth:revoked:{fid}:family} and {@code auth:revoked:{fid}:jti:<jti>}. A token
 * without a family (minted before families carried a claim, or by a test) has only its jti to check,
 * under {@code auth:revoked-jti:<jti>}. Ids come from our own signed tokens (UUIDs): no braces that could
 * move the hash tag.
 *
 * <p>If Redis cannot answer, the token is accepted (it expires within minutes; the Redis breaker logs the
 * outage once) — an outage of the cache must not lock every user out. Writes are not cut off that way: a
 * caller that revokes learns that Redis did not take it (a 503, {@link ServiceUnavailable}).
 */
@ApplicationScoped
public class RevokedTokens {

    static final String PREFIX = "auth:revoked-jti:";
    private static final Duration CHECK_TIMEOUT = Duration.ofMillis(500);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);
    /** Kept a minute past the last expiry, so clocks a little apart still find the entry. */
    private static final long MARGIN_SECONDS = 60;

    private final ReactiveRedisDataSource redis;
    private final StoreBreaker breaker;

    public RevokedTokens(ReactiveRedisDataSource redis, StoreBreakers breakers) {
        this.redis = redis;
        this.breaker = breakers.redis();
    }

    /** One access token is refused until {@code expiresAt}; {@code familyId} is its fid claim, or null. */
    public void revoke(String tokenId, String familyId, Instant expiresAt) {
        set(tokenKey(tokenId, familyId), expiresAt);
    }

    /** Every access token carrying {@code familyId} is refused; none of them outlives {@code lastExpiry}. */
    public void revokeFamily(String familyId, Instant lastExpiry) {
        set(familyKey(familyId), lastExpiry);
    }

    /** Whether the token is refused: its jti, or (when it has one) its family, in one round trip. */
    public boolean isRevoked(String tokenId, String familyId) {
        try {
            return breaker.call("revocation check", () -> (familyId == null
                    ? redis.execute("EXISTS", tokenKey(tokenId, null))
                    : redis.execute("EXISTS", tokenKey(tokenId, familyId), familyKey(familyId)))
                    .await().atMost(CHECK_TIMEOUT).toInteger() > 0);
        } catch (RuntimeException redisDown) {
            // Accepted (see above); the breaker logged the outage once, the request log says "degraded".
            RequestRecords.current().degraded("revocation-unchecked");
            return false;
        }
    }

    private void set(String key, Instant until) {
        long seconds = Math.max(1, Duration.between(Instant.now(), until).toSeconds() + MARGIN_SECONDS);
        try {
            redis.execute("SET", key, "1", "EX", Long.toString(seconds)).await().atMost(WRITE_TIMEOUT);
        } catch (RuntimeException redisDown) {
            // A revocation Redis did not take must not look done (the client would believe it is logged out).
            throw new ServiceUnavailable("token denylist unavailable", redisDown);
        }
    }

    static String tokenKey(String tokenId, String familyId) {
        return familyId == null ? PREFIX + tokenId : "auth:revoked:{" + familyId + "}:jti:" + tokenId;
    }

    static String familyKey(String familyId) {
        return "auth:revoked:{" + familyId + "}:family";
    }
}
