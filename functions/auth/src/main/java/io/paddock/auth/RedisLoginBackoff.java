package io.paddock.auth;

import io.paddock.shared.ids.Sha256;
import io.paddock.shared.redis.RedisScript;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * {@link LoginBackoff} on Redis. Two keys per account, in one hash slot ({@code {account digest}}) so a
 * single Lua script changes both atomically in one round trip, each expiring on its own:
 * <ul>
 * <li>per address: a hash {@code failures, blockedUntil}. From the N-th consecutive failure from that
 *     address on, the address is blocked for initial·2^(failures−N), capped: 1, 2, 4 … 300 s by default.
 *     Attempts during the block are refused without checking the password and without counting.</li>
 * <li>account-wide: a failure counter over all addresses. At the ceiling N becomes 1 for every address
 *     that fails from then on; it blocks nobody by itself.</li>
 * </ul>
 * Why per address and not per account: a per-account block answered 429 to the owner too, so one guess
 * every few minutes from anywhere kept any account locked. The cost is that an attacker with many
 * addresses gets N−1 (at the ceiling: 1) free guesses per address before its back-off; the per-address
 * {@code auth} limit, the edge block list and Argon2id bound that, and the ceiling's log line names the
 * targeted account's digest. Owner and attacker behind one NAT address share that address's back-off.
 *
 * <p>Keys are SHA-256 digests of the lower-cased e-mail and of the address, so Redis holds neither,
 * and unknown e-mails are counted exactly like real ones (no account enumeration through the
 * back-off). Times come from Redis ({@code TIME}) so every container agrees on them.
 */
@ApplicationScoped
public class RedisLoginBackoff implements LoginBackoff {

    private static final Logger LOG = Logger.getLogger(RedisLoginBackoff.class);

    static final String PREFIX = "auth-backoff:";

    /** KEYS[1] the address's hash for the account. Returns the ms the address is still blocked (0 = free). */
    static final RedisScript BLOCKED_SCRIPT = new RedisScript("""
            local blockedUntil = tonumber(redis.call('HGET', KEYS[1], 'blockedUntil') or '0')
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            if blockedUntil > now then return blockedUntil - now end
            return 0
            """);

    /**
     * KEYS[1] the address's hash for the account, KEYS[2] the account-wide counter; ARGV: free failures,
     * initial ms, max ms, memory ms, account ceiling. Returns {block in ms that this failure started
     * (0 while still free), account-wide failures, 1 when this block is the first of the address's run of
     * failures (no blockedUntil yet) else 0}.
     */
    static final RedisScript FAILED_SCRIPT = new RedisScript("""
            local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
            local accountFailures = redis.call('INCR', KEYS[2])
            redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
            local free = tonumber(ARGV[1])
            if accountFailures >= tonumber(ARGV[5]) then free = 1 end
            local block = 0
            local started = 0
            if failures >= free then
              local doublings = math.min(failures - free, 40)
              block = math.floor(math.min(tonumber(ARGV[2]) * (2 ^ doublings), tonumber(ARGV[3])))
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              if redis.call('HEXISTS', KEYS[1], 'blockedUntil') == 0 then started = 1 end
              redis.call('HSET', KEYS[1], 'blockedUntil', string.format('%d', now + block))
            end
            redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[4]), block))
            return {block, accountFailures, started}
            """);

    private final RedisDataSource redis;
    private final LoginBackoffSettings settings;
    /** Every call goes through it: while Redis is known to be down it fails at once (503 without waiting). */
    private final StoreBreaker breaker;

    public RedisLoginBackoff(RedisDataSource redis, LoginBackoffSettings settings, StoreBreakers breakers) {
        this.redis = redis;
        this.settings = settings;
        this.breaker = breakers.redis();
    }

    @Override
    public Duration blockedFor(String email, String address) {
        return Duration.ofMillis(breaker.call("login back-off check",
                () -> BLOCKED_SCRIPT.run(redis, List.of(addressKey(email, address)), List.of())).toLong());
    }

    @Override
    public Failure failed(String email, String address) {
        Response r = breaker.call("login back-off failure", () -> FAILED_SCRIPT.run(redis,
                List.of(addressKey(email, address), accountKey(email)),
                List.of(Integer.toString(settings.afterFailures()),
                        Long.toString(settings.initial().toMillis()),
                        Long.toString(settings.max().toMillis()),
                        Long.toString(settings.memory().toMillis()),
                        Integer.toString(settings.accountCeiling()))));
        if (r.get(1).toLong() == settings.accountCeiling()) {
            // Once per run of failures: operators can tell a targeted account from one forgetful owner.
            LOG.warnf("login failures for account %s reached the account-wide ceiling (%d): every address "
                    + "now backs off from its first failure", digest(email).substring(0, 12), settings.accountCeiling());
        }
        return new Failure(Duration.ofMillis(r.get(0).toLong()), r.get(2).toLong() == 1);
    }

    @Override
    public void succeeded(String email, String address) {
        // The account-wide count stays: the owner signing in does not end an attack, and resetting it
        // would hand a distributed guesser a fresh allowance at every owner login. It expires on its own.
        breaker.call("login back-off reset", () -> redis.execute("DEL", addressKey(email, address)));
    }

    static String accountKey(String email) {
        return PREFIX + "{" + digest(email) + "}:account";
    }

    static String addressKey(String email, String address) {
        return PREFIX + "{" + digest(email) + "}:from:" + sha256(address.toLowerCase(Locale.ROOT));
    }

    private static String digest(String email) {
        return sha256(email.toLowerCase(Locale.ROOT));
    }

    private static String sha256(String text) {
        return Sha256.hex(text);
    }
}
