package io.paddock.shared.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.testing.ThrowAwayRedis;
import io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisScript} on a real Redis of its own (so {@code INFO commandstats} counts only this test's
 * calls): the script text crosses the wire once per Redis that does not know it, every other call is
 * {@code EVALSHA}, and a Redis that forgot its scripts ({@code SCRIPT FLUSH}, as after a restart or a
 * failover) costs one reload, not a failure.
 */
class RedisScriptTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** KEYS[1] a counter; ARGV[1] a step. Returns the new value. */
    private static final RedisScript ADD = new RedisScript("""
            return redis.call('INCRBY', KEYS[1], ARGV[1])
            """);

    private static ThrowAwayRedis redis;
    private static ReactiveRedisDataSourceImpl reactive;
    private static BlockingRedisDataSourceImpl blocking;

    private String key;

    @BeforeAll
    static void redisOfItsOwn() {
        redis = ThrowAwayRedis.start();
        reactive = redis.reactive();
        blocking = redis.blocking();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @BeforeEach
    void aRedisThatKnowsNoScript() {
        reactive.execute("SCRIPT", "FLUSH").await().atMost(WAIT);
        key = "script-test:" + UUID.randomUUID();
    }

    @Test
    void theSha1IsTheNameRedisGivesTheScript() {
        assertEquals(reactive.execute("SCRIPT", "LOAD", ADD.text()).await().atMost(WAIT).toString(), ADD.sha1());
    }

    @Test
    void theTextIsSentOnceAndEveryLaterCallIsEvalsha() {
        Map<String, Long> before = commandCalls();
        assertEquals(1, add(1));
        Map<String, Long> loaded = commandCalls();
        assertEquals(1, delta(before, loaded, "eval"), "the first call sends the text once");

        for (int i = 2; i <= 50; i++) {
            assertEquals(i, add(1));
        }
        Map<String, Long> after = commandCalls();
        assertEquals(49, delta(loaded, after, "evalsha"), "one EVALSHA per later call");
        assertEquals(0, delta(loaded, after, "eval"), "no later call sends the text");
    }

    @Test
    void aScriptFlushBetweenCallsCostsOneReloadAndNoFailure() {
        assertEquals(5, add(5));
        reactive.execute("SCRIPT", "FLUSH").await().atMost(WAIT);
        assertFalse(known(), "Redis forgot the script");

        Map<String, Long> before = commandCalls();
        assertEquals(12, add(7), "the call after the flush runs the script once");
        assertTrue(known(), "and Redis knows it again");
        assertEquals(13, add(1));
        Map<String, Long> after = commandCalls();
        assertEquals(1, delta(before, after, "eval"), "one reload");
        assertEquals(13, Long.parseLong(reactive.execute("GET", key).await().atMost(WAIT).toString()),
                "each call ran the script exactly once");
    }

    @Test
    void theBlockingRunAlsoReloadsAfterAScriptFlush() {
        assertEquals(2, ADD.run(blocking, List.of(key), List.of("2")).toLong());
        blocking.execute("SCRIPT", "FLUSH");

        Map<String, Long> before = commandCalls();
        assertEquals(5, ADD.run(blocking, List.of(key), List.of("3")).toLong());
        assertEquals(6, ADD.run(blocking, List.of(key), List.of("1")).toLong());
        Map<String, Long> after = commandCalls();
        assertEquals(1, delta(before, after, "eval"), "one reload");
    }

    @Test
    void aScriptThatFailsIsNotSentAgain() {
        RedisScript failing = new RedisScript("return redis.error_reply('REFUSED by the script')");
        assertThrows(RuntimeException.class, () -> failing.run(reactive, List.of(), List.of()).await().atMost(WAIT));

        Map<String, Long> before = commandCalls();
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> failing.run(reactive, List.of(), List.of()).await().atMost(WAIT));
        RuntimeException blockingRefused = assertThrows(RuntimeException.class,
                () -> failing.run(blocking, List.of(), List.of()));
        Map<String, Long> after = commandCalls();
        assertTrue(String.valueOf(refused.getMessage()).contains("REFUSED"), String.valueOf(refused));
        assertTrue(String.valueOf(blockingRefused.getMessage()).contains("REFUSED"), String.valueOf(blockingRefused));
        assertEquals(0, delta(before, after, "eval"), "the script's own error is the answer, not a reason to reload");
    }

    private long add(long step) {
        return ADD.run(reactive, List.of(key), List.of(Long.toString(step))).await().atMost(WAIT).toLong();
    }

    private boolean known() {
        return reactive.execute("SCRIPT", "EXISTS", ADD.sha1()).await().atMost(WAIT).get(0).toInteger() == 1;
    }

    private static Map<String, Long> commandCalls() {
        return redis.commandCalls();
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return ThrowAwayRedis.delta(before, after, command);
    }
}
