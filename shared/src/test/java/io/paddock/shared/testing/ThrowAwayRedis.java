package io.paddock.shared.testing;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import redis.embedded.RedisServer;

/**
 * A real Redis of a test's own on a free loopback port, without persistence, with the same data-source types the
 * functions inject. Its own so that {@code INFO commandstats} counts only the calls of the test that started it.
 */
public final class ThrowAwayRedis implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final RedisServer server;
    private final int port;
    private final Vertx vertx;
    private final ReactiveRedisDataSourceImpl reactive;
    private final BlockingRedisDataSourceImpl blocking;

    private ThrowAwayRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
        this.vertx = Vertx.vertx();
        // The pool the functions configure (META-INF/microprofile-config.properties), not Vert.x' defaults.
        Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url())
                .setMaxPoolSize(4).setMaxPoolWaiting(1024));
        this.reactive = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
        this.blocking = new BlockingRedisDataSourceImpl(reactive, WAIT);
    }

    public static ThrowAwayRedis start() {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisServer server;
        try {
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Redis did not start on port " + port, e);
        }
        return new ThrowAwayRedis(server, port);
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public ReactiveRedisDataSourceImpl reactive() {
        return reactive;
    }

    public BlockingRedisDataSourceImpl blocking() {
        return blocking;
    }

    /** Calls per command so far ({@code evalsha -> 12}), from {@code INFO commandstats}. */
    public Map<String, Long> commandCalls() {
        return commandCalls(reactive);
    }

    /** Calls per command so far on the Redis behind {@code redis} (counts every client's calls). */
    public static Map<String, Long> commandCalls(ReactiveRedisDataSource redis) {
        String info = redis.execute("INFO", "commandstats").await().atMost(WAIT).toString();
        Map<String, Long> calls = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            // cmdstat_evalsha:calls=12,usec=...
            if (line.startsWith("cmdstat_")) {
                String rest = line.substring(line.indexOf("calls=") + 6);
                calls.put(line.substring(8, line.indexOf(':')), Long.parseLong(rest.substring(0, rest.indexOf(','))));
            }
        }
        return calls;
    }

    public static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
    }

    @Override
    public void close() {
        vertx.closeAndAwait();
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
