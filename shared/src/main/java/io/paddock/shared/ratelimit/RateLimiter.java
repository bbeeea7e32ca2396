package io.paddock.shared.ratelimit;

import io.paddock.shared.auth.Integration;
import io.paddock.shared.auth.Principal;
import io.paddock.shared.db.Database;
import io.paddock.shared.http.ServiceUnavailable;
import io.paddock.shared.observability.RequestRecord;
import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The limiter every route goes through, in three layers: L0 {@link BurstLimiter} (in memory, per
 * container and second), L1 {@link SlidingWindowLimiter} (Redis, exact, one round trip), and L2
 * {@link FixedWindowFallback} (PostgreSQL) while Redis is down or its Redis {@link io.paddock.shared.resilience.StoreBreaker breaker} is open. If
 * PostgreSQL cannot answer either, the category's policy decides: open (admit, no headers) or closed (503).
 */
@ApplicationScoped
@Startup // policies are checked at container start (Lambda init), not on the first request
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    /**
     * Who is counted: {@code user:<id>} when authenticated, {@code apikey:<id>} for an API key, else
     * {@code ip:<address>}; and at which tier. The limit step builds it without the principal for a
     * {@link Category#keyedByAddress()} category.
     */
    public record Subject(String key, Optional<UUID> userId, Optional<String> ip, String tier,
            Map<Category, Double> multipliers) {

        public boolean isAddress() {
            return key.startsWith(ADDRESS_PREFIX);
        }
    }

    private static final String ADDRESS_PREFIX = "ip:";
    /** The tier every API key is limited under (contract v1.1); rate-limits.yaml must define it. */
    public static final String API_KEY_TIER = "apiKey";

    /** Over the limit: 429 with the standing's headers and Retry-After. */
    public static class QuotaExceeded extends RuntimeException {
        public final Standing standing;
        public final long retryAfterSeconds;

        public QuotaExceeded(Standing standing, long retryAfterSeconds, String detail) {
            super(detail, null, false, false);
            // Every refusal of the limiter is built here: one place counts them (auth's login back-off counts its own).
            RequestRecords.current().rateLimited();
            this.standing = standing;
            this.retryAfterSeconds = Math.max(1, Math.max(retryAfterSeconds, standing.resetSeconds()));
        }
    }

    private final RateLimitPolicies policies;
    private final BurstLimiter burst;
    private final SlidingWindowLimiter redis;
    private final StoreBreaker breaker;
    private final LongSupplier clockMillis;
    private final FixedWindowFallback postgres;
    private final RateLimitOverrides overrides;
    private final EdgeOffenders offenders;

    @Inject
    public RateLimiter(RateLimitSettings settings, ReactiveRedisDataSource redis, Database database,
            EdgeOffenders offenders, StoreBreakers breakers) {
        this(RateLimitPolicies.load(settings.policies()), settings, redis, database, offenders, breakers.redis(),
                System::currentTimeMillis);
    }

    public RateLimiter(RateLimitPolicies policies, RateLimitSettings settings, ReactiveRedisDataSource redis,
            Database database, EdgeOffenders offenders, StoreBreaker redisBreaker, LongSupplier clockMillis) {
        check(settings.redisTimeout(), Duration.ofMillis(10), Duration.ofSeconds(2), "paddock.rate-limits.redis-timeout");
        check(settings.overridesRefresh(), Duration.ofSeconds(1), Duration.ofHours(1), "paddock.rate-limits.overrides-refresh");
        this.policies = policies;
        this.burst = new BurstLimiter(clockMillis);
        this.redis = new SlidingWindowLimiter(redis, settings.redisTimeout());
        this.breaker = redisBreaker;
        this.clockMillis = clockMillis;
        this.postgres = new FixedWindowFallback(database);
        this.overrides = new RateLimitOverrides(database, settings.overridesRefresh(), clockMillis);
        this.offenders = offenders;
    }

    public RateLimitPolicies policies() {
        return policies;
    }

    public RateLimitOverrides overrides() {
        return overrides;
    }

    /** The subject of a request: the user when the token is valid, else the client address. */
    public Subject subject(Optional<Principal> principal, String clientIp) {
        if (principal.isEmpty()) {
            return new Subject(ADDRESS_PREFIX + clientIp, Optional.empty(), Optional.of(clientIp), "anonymous", Map.of());
        }
        UUID user = principal.get().userId();
        String tier = principal.get().hasRole("admin") ? "admin" : "user";
        Map<Category, Double> multipliers = Map.of();
        Optional<RateLimitOverrides.Override> override = overrides.of(user);
        if (override.isPresent()) {
            // A tier the policies no longer define falls back to the role's tier rather than failing requests.
            tier = override.get().tier().filter(policies::hasTier).orElse(tier);
            multipliers = override.get().multipliers();
        }
        return new Subject("user:" + user, Optional.of(user), Optional.of(clientIp), tier, multipliers);
    }

    /**
     * The subject of a request with a valid API key: the key, under its own tier. Overrides are per user and do not
     * apply; a key that needs more gets it from the tier's multiplier (PADDOCK_RATE_LIMITS_POLICIES).
     */
    public Subject subject(Integration key, String clientIp) {
        return new Subject("apikey:" + key.keyId(), Optional.empty(), Optional.of(clientIp), API_KEY_TIER, Map.of());
    }

    public int limit(Subject s, Category c) {
        return RateLimitPolicies.scaled(policies.policy(c).limit(), multiplier(s, c));
    }

    /**
     * Counts one request and returns the standing for the headers, or empty when the stores are down
     * and the category fails open. Throws {@link QuotaExceeded} over the limit.
     */
    public Optional<Standing> admit(Subject s, Category c, boolean counted) {
        RateLimitPolicies.Policy policy = policies.policy(c);
        int limit = limit(s, c);
        long window = policies.window().toSeconds();
        String burstKey = s.key() + "|" + c.policyName();
        // A route that reports standing counts nothing against its category, not even in L0: its own
        // per-second bucket, which L1's "window spent" block (below) never touches. Its refusals are
        // dropped at once rather than fed to the offender count, which only counted requests report to L1.
        String ownKey = counted ? burstKey : burstKey + "|uncounted";
        long wait = burst.refuseFor(ownKey, RateLimitPolicies.scaled(policy.burst(), multiplier(s, c)));
        if (!counted) {
            burst.takeRefusals(ownKey);
        }
        if (wait > 0) {
            long seconds = Math.max(1, (wait + 999) / 1000);
            throw new QuotaExceeded(new Standing(c, limit, 0, seconds, window, false), seconds,
                    "Too many " + c.policyName() + " requests; retry after " + seconds + " s");
        }
        if (!counted) {
            return Optional.empty();
        }
        Standing standing = count(s, c, policy, limit, burstKey);
        if (standing == null) {
            return Optional.empty();
        }
        if (standing.remaining() == 0) {
            // Nothing left until the reset: the next requests are refused here, without a Redis round trip.
            burst.blockUntil(burstKey, clockMillis.getAsLong() + standing.resetSeconds() * 1000);
        }
        if (!standing.allowed()) {
            throw new QuotaExceeded(standing, standing.resetSeconds(), "Too many " + c.policyName()
                    + " requests; retry after " + standing.resetSeconds() + " s");
        }
        return Optional.of(standing);
    }

    private Standing count(Subject s, Category c, RateLimitPolicies.Policy policy, int limit, String burstKey) {
        RateLimitPolicies.Offenders o = policies.offenders();
        try {
            SlidingWindowLimiter.Check check = breaker.call("rate-limit count", () -> redis.check(s.key(), c, limit,
                    policies.window(), s.isAddress() ? o.rejections() : 0, o.within(), burst.takeRefusals(burstKey)));
            if (check.becameOffender()) {
                recordOffender(s);
            }
            return check.standing();
        } catch (RuntimeException redisDown) {
            // L2 below; the breaker logged the outage once.
        }
        RequestRecord record = RequestRecords.current();
        record.degraded("limiter-on-postgres");
        try {
            return postgres.check(s.key(), c, limit, policies.window());
        } catch (SQLException | RuntimeException e) {
            if (policy.failOpen()) {
                LOG.warnf("%s request of %s admitted unlimited, neither Redis nor PostgreSQL answered: %s",
                        c.policyName(), s.key(), describe(e));
                record.degraded("limiter-open");
                return null;
            }
            throw new ServiceUnavailable("neither Redis nor PostgreSQL can count " + c.policyName() + " requests", e);
        }
    }

    /**
     * The standing in every category without counting (GET /v1/rate-limits). A category keyed by address
     * ({@code auth}) is reported for the client address even when the caller is a user, since that is
     * the window its requests spend: one more round trip for signed-in callers only.
     */
    public Map<Category, Standing> standings(Subject s) {
        Subject address = s.isAddress() ? s : subject(Optional.empty(), s.ip().orElseThrow());
        Map<Category, Integer> own = new EnumMap<>(Category.class);
        Map<Category, Integer> ofAddress = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            if (c.keyedByAddress() && address != s) {
                ofAddress.put(c, limit(address, c));
            } else {
                own.put(c, limit(s, c));
            }
        }
        Map<Category, Standing> standings = new EnumMap<>(peek(s.key(), own));
        if (!ofAddress.isEmpty()) {
            standings.putAll(peek(address.key(), ofAddress));
        }
        return standings;
    }

    private Map<Category, Standing> peek(String key, Map<Category, Integer> limits) {
        try {
            return breaker.call("rate-limit standing", () -> redis.peek(key, limits, policies.window()));
        } catch (RuntimeException redisDown) {
            // L2 below.
        }
        try {
            return postgres.peek(key, limits, policies.window());
        } catch (SQLException | RuntimeException e) {
            throw new ServiceUnavailable("neither Redis nor PostgreSQL can report the standing", e);
        }
    }

    /**
     * Admin unblock of a subject key ({@code ip:…} or {@code user:…}): its windows in every layer and,
     * for an address, its edge block. A store that could not be cleared is a 503 (the admin retries; the
     * steps are idempotent).
     */
    public boolean unblock(String subjectKey) {
        try {
            burst.clear(subjectKey + "|");
            redis.clear(subjectKey);
            postgres.clear(subjectKey);
            if (subjectKey.startsWith("ip:")) {
                return offenders.unblock(subjectKey.substring(3));
            }
            return false;
        } catch (Exception e) {
            // Redis, PostgreSQL and the edge list each fail their own way; to the admin it is one answer.
            throw new ServiceUnavailable("a rate-limit store could not be cleared", e);
        }
    }

    private void recordOffender(Subject s) {
        try {
            offenders.record(s.ip().orElseThrow(), policies.offenders().blockFor());
            LOG.warnf("offender %s: %d rejections within %s, blocked at the edge for %s", s.key(),
                    policies.offenders().rejections(), policies.offenders().within(), policies.offenders().blockFor());
        } catch (Exception e) {
            LOG.warnf("offender %s not recorded: %s", s.key(), describe(e));
        }
    }

    private double multiplier(Subject s, Category c) {
        return policies.tierMultiplier(s.tier()) * s.multipliers().getOrDefault(c, 1.0);
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void check(Duration value, Duration min, Duration max, String key) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
