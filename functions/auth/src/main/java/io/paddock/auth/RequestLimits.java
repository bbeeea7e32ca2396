package io.paddock.auth;

import io.paddock.auth.AuthAttemptLimits.Standing;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The limit step of each auth route: counts the request, keeps the standing for the rate-limit headers
 * ({@link RateLimitHeaders}), and turns the answer into the contract's failures — 429 over the limit,
 * 503 when the limiter cannot answer. The {@code auth} category fails closed (an attacker must not gain
 * unlimited guesses from a Redis outage); {@code read} fails open.
 */
@ApplicationScoped
public class RequestLimits {

    private static final Logger LOG = Logger.getLogger(RequestLimits.class);
    public static final String AUTH = "auth";
    public static final String READ = "read";

    /** Over a limit: 429 with Retry-After. */
    public static class QuotaExceeded extends RuntimeException {
        public final String policy;
        public final long retryAfterSeconds;

        QuotaExceeded(String policy, long retryAfterSeconds, String detail) {
            super(detail, null, false, false);
            this.policy = policy;
            this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
        }
    }

    /** A store the route cannot do without is unreachable: 503 with Retry-After. */
    public static class Unavailable extends RuntimeException {
        public Unavailable(String what, Throwable cause) {
            super(what, cause);
        }
    }

    private final AuthAttemptLimits limits;
    private final RateLimitHeaders headers;

    public RequestLimits(AuthAttemptLimits limits, RateLimitHeaders headers) {
        this.limits = limits;
        this.headers = headers;
    }

    /** Counts this request of {@code policy} for the client key ("ip:…" or "user:…"); throws when over. */
    public void admit(String policy, String clientKey) {
        Standing standing;
        try {
            standing = limits.count(policy, clientKey);
        } catch (RuntimeException e) {
            if (READ.equals(policy)) {
                LOG.warnf("rate limit of %s not checked, limiter unavailable: %s", policy, e.getClass().getSimpleName());
                return;
            }
            throw new Unavailable("the rate limiter is unavailable", e);
        }
        headers.remember(standing);
        if (!standing.allowed()) {
            throw new QuotaExceeded(policy, standing.resetSeconds(), "Too many " + policy
                    + " requests; retry after " + standing.resetSeconds() + " s");
        }
    }

    /** Refuses a login of an account in back-off (429, any client address). */
    public void refuseIfAccountBlocked(String email) {
        Duration blocked;
        try {
            blocked = limits.loginBlockedFor(email);
        } catch (RuntimeException e) {
            throw new Unavailable("the login limiter is unavailable", e);
        }
        if (!blocked.isZero() && !blocked.isNegative()) {
            long seconds = Math.max(1, (blocked.toMillis() + 999) / 1000);
            throw new QuotaExceeded(AUTH, seconds,
                    "Too many failed logins for this account; retry after " + seconds + " s");
        }
    }

    public void loginFailed(String email) {
        try {
            limits.loginFailed(email);
        } catch (RuntimeException e) {
            throw new Unavailable("the login limiter is unavailable", e);
        }
    }

    public void loginSucceeded(String email) {
        try {
            limits.loginSucceeded(email);
        } catch (RuntimeException e) {
            // The password was right; the stale failure count only expires later on its own.
            LOG.warnf("login failures not reset, limiter unavailable: %s", e.getClass().getSimpleName());
        }
    }
}
