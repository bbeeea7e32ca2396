package io.paddock.auth;

import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
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
 * {@link LoginBackoff} on Redis: one hash per account {@code failures, blockedUntil}, changed by one Lua
 * script per call (atomic, one round trip), expiring on its own. From the N-th consecutive failure on,
 * the account is blocked for initial·2^(failures−N), capped: 1, 2, 4 … 300 s by default. Attempts during
 * the block are refused without checking the password and without counting, from any address. The
 * key is the SHA-256 of the lower-cased address, so Redis holds no e-mail addresses, and unknown
 * addresses are counted exactly like real ones (no account enumeration through the back-off).
 * Times come from Redis ({@code TIME}) so every container agrees on them.
 */
@ApplicationScoped
public class RedisLoginBackoff implements LoginBackoff {

    static final String PREFIX = "auth-backoff:";

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
    private final LoginBackoffSettings settings;
    private final StoreBreaker breaker;

    public RedisLoginBackoff(RedisDataSource redis, LoginBackoffSettings settings, StoreBreakers breakers) {
        this.redis = redis;
        this.settings = settings;
        this.breaker = breakers.redis();
    }

    @Override
    public Duration blockedFor(String email) {
        return Duration.ofMillis(call("login back-off check", "EVAL", BLOCKED_SCRIPT, "1", accountKey(email)).toLong());
    }

    @Override
    public Duration failed(String email) {
        return Duration.ofMillis(call("login back-off failure", "EVAL", FAILED_SCRIPT, "1", accountKey(email),
                Integer.toString(settings.afterFailures()),
                Long.toString(settings.initial().toMillis()),
                Long.toString(settings.max().toMillis()),
                Long.toString(settings.memory().toMillis())).toLong());
    }

    @Override
    public void succeeded(String email) {
        call("login back-off reset", "DEL", accountKey(email));
    }

    /** Fails at once while Redis is known to be down: the caller answers 503 without waiting for it. */
    private Response call(String operation, String command, String... args) {
        return breaker.call(operation, () -> redis.execute(command, args));
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
