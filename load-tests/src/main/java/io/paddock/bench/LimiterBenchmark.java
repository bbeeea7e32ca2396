package io.paddock.bench;

import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.SlidingWindowLimiter;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.embedded.RedisServer;

/**
 * L1 limiter checks per second against an embedded Redis on 127.0.0.1, next to the floor: a raw
 * EVALSHA of a script that only returns 1, through the same client, in the same run. The difference is
 * what the sliding-window script itself costs; both are one round trip.
 *
 * <p>The limiter arm spreads checks over 10,000 subjects at a limit of 100 per minute, so window logs
 * stay realistically small (≤ 100 entries) and most checks after the first seconds are rejections — each
 * still a full check. Run with load-tests/ratelimit/limiter-bench.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class LimiterBenchmark {

    static final int SUBJECTS = 10_000;
    static final Duration WINDOW = Duration.ofSeconds(60);
    static final Duration OFFENDER_WINDOW = Duration.ofMinutes(5);

    private RedisServer server;
    private Vertx vertx;
    private ReactiveRedisDataSource redis;
    private SlidingWindowLimiter limiter;
    private String trivialSha;

    @Setup(Level.Trial)
    public void start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, new RedisOptions()
                .setConnectionString("redis://127.0.0.1:" + port).setMaxPoolSize(8).setMaxPoolWaiting(1024));
        redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
        limiter = new SlidingWindowLimiter(redis, Duration.ofSeconds(2));
        trivialSha = redis.execute("SCRIPT", "LOAD", "return 1").await().indefinitely().toString();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        vertx.closeAndAwait();
        server.stop();
    }

    @Benchmark
    public boolean limiterCheck() {
        String subject = "ip:10.0." + ThreadLocalRandom.current().nextInt(SUBJECTS);
        return limiter.check(subject, Category.READ, 100, WINDOW, 50, OFFENDER_WINDOW).standing().allowed();
    }

    @Benchmark
    public long rawEvalshaOfATrivialScript() {
        return redis.execute("EVALSHA", trivialSha, "0").await().indefinitely().toLong();
    }
}
