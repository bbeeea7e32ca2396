package io.paddock.ratelimit;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.db.Database;
import io.paddock.shared.dynamo.DynamoCalls;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;

/**
 * Real round trips to PostgreSQL, Redis and DynamoDB, run in parallel, each cut off after
 * {@link #TIMEOUT} so that a dead store makes the answer "degraded" quickly instead of hanging it.
 * It lives with the one function that serves {@code /v1/health} (API Gateway routes it here; the local
 * stack serves this same resource): in shared it would make the request log depend on every store client.
 */
@ApplicationScoped
public class HealthChecks {

    public static final Duration TIMEOUT = Duration.ofSeconds(1);

    public enum State { up, down }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Check(State status, long latencyMs, String error, StoreBreaker.State breaker) {
        Check withBreaker(StoreBreaker.State state) {
            return new Check(status, latencyMs, error, state);
        }
    }

    public record Report(String status, Map<String, Check> checks) {
        public boolean healthy() {
            return "ok".equals(status);
        }
    }

    private final Database database;
    private final ReactiveRedisDataSource redis;
    private final DynamoDbClient dynamoDb;
    private final String probeTable;
    private final StoreBreakers breakers;

    public HealthChecks(Database database, ReactiveRedisDataSource redis, DynamoDbClient dynamoDb,
            PaddockConfig config, StoreBreakers breakers) {
        this.breakers = breakers;
        this.database = database;
        this.redis = redis;
        this.dynamoDb = dynamoDb;
        this.probeTable = config.dynamodb().idempotencyTable();
    }

    public Report run() {
        // Not try-with-resources: close() would wait for a probe stuck past its timeout.
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<Probe> postgres = executor.submit(timed(() -> {
                database.ping(TIMEOUT);
                return null;
            }));
            Future<Probe> redisCheck = executor.submit(timed(() ->
                    redis.execute("PING").await().atMost(TIMEOUT)));
            Future<Probe> dynamo = executor.submit(timed(() -> dynamoDb.describeTable(DescribeTableRequest.builder()
                    .tableName(probeTable)
                    .overrideConfiguration(o -> o.apiCallTimeout(TIMEOUT).apiCallAttemptTimeout(TIMEOUT)
                            .putExecutionAttribute(DynamoCalls.PROBE, true))
                    .build())));
            Map<String, Check> checks = new LinkedHashMap<>();
            checks.put("postgres", judged(outcome(postgres), breakers.postgres()));
            checks.put("redis", judged(outcome(redisCheck), breakers.redis()));
            checks.put("dynamodb", judged(outcome(dynamo), breakers.dynamodb()));
            boolean allUp = checks.values().stream().allMatch(c -> c.status() == State.up);
            return new Report(allUp ? "ok" : "degraded", checks);
        } finally {
            executor.shutdown();
        }
    }

    /** A probe's check and, when it failed, why: the breaker judges the cause, the answer shows its kind only. */
    private record Probe(Check check, Throwable cause) { }

    /**
     * A probe is a store call like any other: its outcome moves the store's breaker, so a health answer
     * of "ok" also means requests use every store again. A failure counts towards opening like a request's
     * (a refused connection opens at once), so one probe that outran its 1 s on a cold JVM does not turn
     * requests away.
     */
    private static Check judged(Probe probe, StoreBreaker breaker) {
        if (probe.check().status() == State.up) {
            breaker.succeeded();
        } else {
            breaker.failed(probe.cause());
        }
        return probe.check().withBreaker(breaker.state());
    }

    private static Callable<Probe> timed(Callable<?> probe) {
        return () -> {
            long started = System.nanoTime();
            try {
                probe.call();
                return new Probe(new Check(State.up, elapsedMs(started), null, null), null);
            } catch (Exception e) {
                return new Probe(new Check(State.down, elapsedMs(started), StoreBreakers.failureKind(e), null), e);
            }
        };
    }

    private static Probe outcome(Future<Probe> future) {
        try {
            // A little over the per-check timeout: the probe's own timeout normally fires first.
            return future.get(TIMEOUT.toMillis() + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Probe(new Check(State.down, TIMEOUT.toMillis(), "timed out", null), e);
        } catch (Exception e) {
            return new Probe(new Check(State.down, 0, StoreBreakers.failureKind(e), null), e);
        }
    }

    private static long elapsedMs(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
