package io.paddock.ratelimit;

import io.paddock.shared.resilience.StoreBreaker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.db.Database;
import io.paddock.shared.http.ServiceUnavailable;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.EdgeOffenders;
import io.paddock.shared.ratelimit.RateLimitPolicies;
import io.paddock.shared.ratelimit.RateLimitSettings;
import io.paddock.shared.ratelimit.RateLimiter;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When neither Redis nor PostgreSQL answers, each category does what its policy says: {@code read}
 * (and telemetry, search) fail open, {@code auth}, {@code write}, {@code mutation} fail closed with 503.
 * Both stores are real clients pointed at a port where nothing listens.
 */
class StoresDownTest {

    private static Vertx vertx;
    private static RateLimiter limiter;

    @BeforeAll
    static void limiterWithBothStoresDown() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        Map<String, String> settings = new HashMap<>(PaddockStoresTestResource.stores().configuration());
        settings.put("paddock.database.url", "postgres://paddock:paddock@127.0.0.1:" + deadPort + "/paddock");
        PaddockConfig config = new SmallRyeConfigBuilder().withMapping(PaddockConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(settings, "stores down", 100)).build()
                .getConfigMapping(PaddockConfig.class);
        Database deadDatabase = new Database(config);
        vertx = Vertx.vertx();
        Redis deadRedis = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + deadPort));
        RateLimitSettings rateLimitSettings = new RateLimitSettings() {
            public Optional<String> policies() {
                return Optional.empty();
            }

            public Duration redisTimeout() {
                return Duration.ofMillis(200);
            }

            public Duration overridesRefresh() {
                return Duration.ofSeconds(30);
            }
        };
        limiter = new RateLimiter(RateLimitPolicies.load(Optional.empty()), rateLimitSettings,
                new ReactiveRedisDataSourceImpl(vertx, deadRedis, RedisAPI.api(deadRedis)), deadDatabase,
                new EdgeOffenders(deadDatabase),
                StoreBreaker.unobserved("redis"), System::currentTimeMillis);
    }

    @AfterAll
    static void closeVertx() {
        vertx.closeAndAwait();
    }

    @Test
    void readsAreAdmittedWithoutAStanding() {
        RateLimiter.Subject subject = limiter.subject(Optional.empty(), "192.0.2.10");
        assertEquals(Optional.empty(), limiter.admit(subject, Category.READ, true));
        assertEquals(Optional.empty(), limiter.admit(subject, Category.TELEMETRY, true));
    }

    @Test
    void authWritesAndMutationsAreRefusedWith503() {
        RateLimiter.Subject subject = limiter.subject(Optional.empty(), "192.0.2.11");
        for (Category closed : new Category[] {Category.AUTH, Category.WRITE, Category.MUTATION, Category.ADMIN}) {
            ServiceUnavailable e = assertThrows(ServiceUnavailable.class, () -> limiter.admit(subject, closed, true));
            assertEquals(503, e.getResponse().getStatus());
            assertTrue(Integer.parseInt(e.getResponse().getHeaderString("Retry-After")) >= 1);
        }
        assertThrows(ServiceUnavailable.class, () -> limiter.standings(subject), "no standing to report either");
    }
}
