package io.paddock.shared.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.resilience.StoreBreaker;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How requests of one container wait for the pool's connections when PostgreSQL goes down: an outage found by
 * one request is every waiting request's answer at once, and a half-open breaker lets exactly one request wait
 * for a connection. A pool of one connection, held by a request whose work waits for the test, makes the others
 * wait; the acquisition timeout is long enough that a request which answers has not waited it out.
 */
class WaitingForAConnectionTest {

    private static EmbeddedPostgres postgres;

    private final AtomicLong now = new AtomicLong(0);
    private final StoreBreaker breaker = new StoreBreaker("postgres", 2000, now::get, (store, state, cause) -> { });
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);
    private Database database;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .setPGStartupWait(Duration.ofSeconds(30))
                .start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void poolOfOne() {
        PaddockConfig config = new SmallRyeConfigBuilder().withMapping(PaddockConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of(
                        "paddock.database.url", "postgres://postgres@127.0.0.1:" + postgres.getPort() + "/postgres",
                        "paddock.database.pool-max-size", "1",
                        "paddock.database.acquisition-timeout", "10m",
                        "paddock.redis.url", "redis://127.0.0.1:6379",
                        "paddock.dynamodb.idempotency-table", "idem"), "pool of one", 100)).build()
                .getConfigMapping(PaddockConfig.class);
        database = new Database(config, breaker, Database.IamSignIn.PRODUCTION);
    }

    @AfterEach
    void close() {
        letGo.countDown();
        requests.shutdownNow();
        database.close();
    }

    /** A request that holds the pool's only connection until the test lets it go. */
    private Future<String> holder() throws InterruptedException {
        Future<String> held = requests.submit(() -> database.inTransaction(c -> {
            holding.countDown();
            try {
                letGo.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "held";
        }));
        holding.await();
        return held;
    }

    private Future<String> request() {
        return requests.submit(() -> database.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
            return "answered";
        }));
    }

    private void untilWaiting(int count) {
        while (database.requestsWaitingForATurn() < count) {
            Thread.onSpinWait();
        }
    }

    private static SQLException failure(Future<?> request) throws InterruptedException {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, request::get);
        return assertInstanceOf(SQLException.class, e.getCause());
    }

    @Test
    void requestsWaitingForAConnectionAnswerAtOnceWhenAnotherRequestFindsPostgresDown() throws Exception {
        Future<String> held = holder();
        Future<String> first = request();
        Future<String> second = request();
        untilWaiting(2);

        breaker.failed(new ConnectException("Connection refused")); // what a request that opened a connection saw

        for (Future<String> waiting : java.util.List.of(first, second)) {
            SQLException refused = failure(waiting);
            assertEquals("08000", refused.getSQLState(), refused.getMessage());
            assertTrue(Database.unavailable(refused), "a 503 to its caller");
        }
        assertFalse(held.isDone(), "they did not wait for the connection to come back");
        letGo.countDown();
        assertEquals("held", held.get());
    }

    @Test
    void whenHalfOpenTheTrialWaitsForAConnectionAndEveryOtherRequestIsRefusedAtOnce() throws Exception {
        Future<String> held = holder();
        breaker.failed(new ConnectException("Connection refused"));
        now.set(2000);
        Future<String> trial = request();
        untilWaiting(1);

        SQLException refused = failure(request());
        assertEquals("08000", refused.getSQLState(), refused.getMessage());
        assertFalse(trial.isDone(), "the trial waits on: it is the one finding out");

        letGo.countDown();
        assertEquals("held", held.get());
        assertEquals("answered", trial.get());
        assertEquals(StoreBreaker.State.closed, breaker.state());
    }

    @Test
    void aHealthPingReachesPostgresWhileTheBreakerIsOpen() throws SQLException {
        breaker.failed(new ConnectException("Connection refused"));
        database.ping(Duration.ofSeconds(5));
        assertEquals(StoreBreaker.State.open, breaker.state(), "the probe's caller judges its outcome");
    }
}
