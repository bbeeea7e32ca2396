package io.paddock.shared.http;

import io.paddock.shared.auth.SigningKeys;
import io.paddock.shared.testing.ThrowAwayRedis;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stores the library's own Quarkus test app needs: a real Redis for the limiter (once per test JVM), and
 * PostgreSQL and DynamoDB addresses where nothing listens — its probe routes never reach them, and a call that did
 * would be a fast 503, not a hang. The functions' tests use infra/embedded's full set instead.
 */
public class RedisOnlyStores implements QuarkusTestResourceLifecycleManager {

    private static ThrowAwayRedis redis;

    public static synchronized ThrowAwayRedis redis() {
        if (redis == null) {
            redis = ThrowAwayRedis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "paddock-test-redis-stop"));
        }
        return redis;
    }

    @Override
    public Map<String, String> start() {
        int nobody = closedPort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("paddock.redis.url", redis().url());
        config.put("quarkus.redis.hosts", redis().url());
        config.put("paddock.database.url", "postgres://paddock@127.0.0.1:" + nobody + "/paddock");
        config.put("paddock.dynamodb.endpoint", "http://127.0.0.1:" + nobody);
        // No PostgreSQL fallback behind the limiter here: Redis slowed by a loaded test machine must not count as down.
        config.put("paddock.rate-limits.redis-timeout", "2s"); // the most it accepts
        config.put("paddock.env", "test");
        config.put("paddock.auth.signing-keys", SigningKeys.generateJwks());
        // Tests act as the edge: the right-most X-Forwarded-For entry is the client.
        config.put("paddock.http.trusted-forwarded-hops", "1");
        return config;
    }

    @Override
    public void stop() {
        // Kept for the next Quarkus app of this JVM; the shutdown hook stops Redis.
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
