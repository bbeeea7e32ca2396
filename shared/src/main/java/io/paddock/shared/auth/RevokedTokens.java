package io.paddock.shared.auth;

import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * The jti denylist that makes logout immediate: a revoked access token id is kept in Redis until the
 * token would have expired anyway. The check is one EXISTS per authenticated request, cut off quickly;
 * if Redis cannot answer, the token is accepted (it expires within minutes; the Redis breaker logs the outage once) —
 * an outage of the cache must not lock every user out.
 */
@ApplicationScoped
public class RevokedTokens {

    static final String PREFIX = "auth:revoked-jti:";
    private static final Duration CHECK_TIMEOUT = Duration.ofMillis(500);

    private final ReactiveRedisDataSource redis;
    private final StoreBreaker breaker;

    public RevokedTokens(ReactiveRedisDataSource redis, StoreBreakers breakers) {
        this.redis = redis;
        this.breaker = breakers.redis();
    }

    public void revoke(String tokenId, Instant expiresAt) {
        long seconds = Math.max(1, Duration.between(Instant.now(), expiresAt).toSeconds() + 60);
        redis.execute("SET", PREFIX + tokenId, "1", "EX", Long.toString(seconds))
                .await().atMost(Duration.ofSeconds(2));
    }

    public boolean isRevoked(String tokenId) {
        try {
            return breaker.call("revocation check",
                    () -> redis.execute("EXISTS", PREFIX + tokenId).await().atMost(CHECK_TIMEOUT).toInteger() > 0);
        } catch (RuntimeException redisDown) {
            // Accepted (see above); the breaker logged the outage once, the request log says "degraded".
            RequestRecords.current().degraded("revocation-unchecked");
            return false;
        }
    }
}
