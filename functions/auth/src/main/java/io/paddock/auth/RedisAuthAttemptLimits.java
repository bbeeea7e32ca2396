package io.paddock.auth;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * {@link AuthAttemptLimits} on Redis: each check is one Lua script, atomic and one round trip, and every
 * key carries its own expiry, so nothing needs cleaning up.
 *
 * <ul>
 * <li>Requests per client: a fixed window that starts with the client's first request (INCR, and
 * PEXPIRE when the counter is new). Simple and exact: at most {@code limit} requests are admitted in
 * any window, and Retry-After is the window's remaining TTL. (The sliding window of issue 4 replaces it.)</li>
 * <li>Logins per account: a hash {@code failures, blockedUntil}. From the N-th consecutive failure on,
 * the account is blocked for initial·2^(failures−N), capped: 1, 2, 4 … 300 s by default. Attempts during
 * the block are refused without checking the password and without counting, from any address. The
 * key is the SHA-256 of the lower-cased address, so Redis holds no e-mail addresses, and unknown
 * addresses are counted exactly like real ones (no account enumeration through the back-off).</li>
 * </ul>
 * Times come from Redis ({@code TIME}) so every container agrees on them.
 */
@ApplicationScoped
public class RedisAuthAttemptLimits implements AuthAttemptLimits {

    static final String PREFIX = "auth-limits:";

    /** KEYS[1] counter; ARGV[1] window ms. Returns {count, ttl ms}. */
    static final String COUNT_SCRIPT = """
            local n = redis.call('INCR', KEYS[1])
            local ttl = redis.call('PTTL', KEYS[1])
            if n == 1 or ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {n, ttl}
            """;

    /** KEYS[1] account hash. Returns the ms the account is still blocked (0 = free). */
    static final String BLOCKED_SCRIPT = """
            local blockedUntil = tonumber(redis.call('HGET', KEYS[1], 'blockedUntil') or '0')
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            if blockedUntil > now then return blockedUntil - now end
            return 0
            """;

    /**
     * KEYS[1] account hash; ARGV: free failures, initial ms, max ms, memory ms.
     * Returns the block in ms that this failure started (0 while failures are still free).
     */
    static final String FAILED_SCRIPT = """
            local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
            local free = tonumber(ARGV[1])
            local block = 0
            if failures >= free then
              local doublings = math.min(failures - free, 40)
              block = math.floor(math.min(tonumber(ARGV[2]) * (2 ^ doublings), tonumber(ARGV[3])))
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              redis.call('HSET', KEYS[1], 'blockedUntil', string.format('%d', now + block))
            end
            redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[4]), block))
            return block
            """;

    private final RedisDataSource redis;
    private final AuthLimitSettings settings;

    public RedisAuthAttemptLimits(RedisDataSource redis, AuthLimitSettings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    @Override
    public Standing count(String policy, String clientKey) {
        int limit = switch (policy) {
            case "auth" -> settings.authRequests();
            case "read" -> settings.readRequests();
            default -> throw new IllegalArgumentException("no policy " + policy);
        };
        long windowMs = settings.window().toMillis();
        Response result = redis.execute("EVAL", COUNT_SCRIPT, "1", PREFIX + policy + ":" + clientKey,
                Long.toString(windowMs));
        long count = result.get(0).toLong();
        long ttlMs = result.get(1).toLong();
        long reset = Math.max(1, (ttlMs + 999) / 1000);
        return new Standing(policy, limit, (int) Math.max(0, limit - count), reset, settings.window().toSeconds(),
                count <= limit);
    }

    @Override
    public Duration loginBlockedFor(String email) {
        Response result = redis.execute("EVAL", BLOCKED_SCRIPT, "1", accountKey(email));
        return Duration.ofMillis(result.toLong());
    }

    @Override
    public Duration loginFailed(String email) {
        Response result = redis.execute("EVAL", FAILED_SCRIPT, "1", accountKey(email),
                Integer.toString(settings.failuresBeforeBackoff()),
                Long.toString(settings.backoffInitial().toMillis()),
                Long.toString(settings.backoffMax().toMillis()),
                Long.toString(settings.failureMemory().toMillis()));
        return Duration.ofMillis(result.toLong());
    }

    @Override
    public void loginSucceeded(String email) {
        redis.execute("DEL", accountKey(email));
    }

    static String accountKey(String email) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return PREFIX + "login:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
