package io.paddock.shared.auth;

import io.paddock.shared.observability.RequestRecord;
import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
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
        RequestRecord record = RequestRecords.current();
        if (!breaker.allowsRequest()) {
            record.degraded("revocation-unchecked");
            return false;
        }
        long started = System.nanoTime();
        try {
            boolean revoked = redis.execute("EXISTS", PREFIX + tokenId).await().atMost(CHECK_TIMEOUT).toInteger() > 0;
            record.storeCall("redis", "revocation check", (System.nanoTime() - started) / 1_000_000, true);
            breaker.succeeded();
            return revoked;
        } catch (RuntimeException e) {
            record.storeCall("redis", "revocation check", (System.nanoTime() - started) / 1_000_000, false);
            record.degraded("revocation-unchecked");
            if (breaker.failed()) {
                LOG.warnf("revocation checks skipped while Redis is unavailable: %s", e.getClass().getSimpleName());
            }
            return false;
        }
    }
}
