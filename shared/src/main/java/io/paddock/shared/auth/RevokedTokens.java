package io.paddock.shared.auth;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The jti denylist that makes logout immediate: a revoked access token id is kept in Redis until the
 * token would have expired anyway. The check is one EXISTS per authenticated request, cut off quickly;
 * if Redis cannot answer, the token is accepted (it expires within minutes) and a warning is logged —
 * an outage of the cache must not lock every user out.
 */
@ApplicationScoped
public class RevokedTokens {

    private static final Logger LOG = Logger.getLogger(RevokedTokens.class);
    static final String PREFIX = "auth:revoked-jti:";
    private static final Duration CHECK_TIMEOUT = Duration.ofMillis(500);

    private final ReactiveRedisDataSource redis;

    public RevokedTokens(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    public void revoke(String tokenId, Instant expiresAt) {
        long seconds = Math.max(1, Duration.between(Instant.now(), expiresAt).toSeconds() + 60);
        redis.execute("SET", PREFIX + tokenId, "1", "EX", Long.toString(seconds))
                .await().atMost(Duration.ofSeconds(2));
    }

    public boolean isRevoked(String tokenId) {
        try {
            return redis.execute("EXISTS", PREFIX + tokenId).await().atMost(CHECK_TIMEOUT).toInteger() > 0;
        } catch (RuntimeException e) {
            LOG.warnf("revocation check skipped, Redis unavailable: %s", e.getClass().getSimpleName());
            return false;
        }
    }
}
