package io.paddock.shared.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.testing.ThrowAwayRedis;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** L1 on a real Redis of its own: exactness under concurrency, one round trip, a window that slides. */
class SlidingWindowLimiterTest {

    private static final Duration MINUTE = Duration.ofSeconds(60);

    private static ThrowAwayRedis server;
    private static ReactiveRedisDataSource redis;

    @BeforeAll
    static void redisOfItsOwn() {
        server = ThrowAwayRedis.start();
        redis = server.reactive();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Generous timeout: these tests are about Redis' atomicity, not about the client's queue. */
    private SlidingWindowLimiter limiter() {
        return new SlidingWindowLimiter(redis, Duration.ofSeconds(5));
    }

    @Test
    void exactlyTheLimitIsAdmittedOutOf200ConcurrentRequestsTwentyTimesOver() throws Exception {
        SlidingWindowLimiter limiter = limiter();
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            for (int round = 0; round < 20; round++) {
                String subject = "ip:test-exact-" + UUID.randomUUID();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> answers = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        return limiter.check(subject, Category.WRITE, 50, MINUTE, 0, MINUTE).standing().allowed();
                    }));
                }
                start.countDown();
                int admitted = 0;
                for (Future<Boolean> f : answers) {
                    admitted += f.get() ? 1 : 0;
                }
                assertEquals(50, admitted, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachCheckIsOneRedisRoundTrip() {
        SlidingWindowLimiter limiter = limiter();
        String subject = "ip:test-trips-" + UUID.randomUUID();
        limiter.check(subject, Category.READ, 100, MINUTE, 50, MINUTE); // Redis learns the script (EVAL once)
        Map<String, Long> before = commandCalls();
        for (int i = 0; i < 120; i++) {
            limiter.check(subject, Category.READ, 100, MINUTE, 50, MINUTE); // 100 admitted, 20 rejected
        }
        Map<String, Long> after = commandCalls();
        assertEquals(120, delta(before, after, "evalsha"), "one EVALSHA per check");
        // Everything else that ran was inside the script, not another round trip.
        List<String> insideTheScript = List.of("evalsha", "time", "zremrangebyscore", "zcard", "zadd", "pexpire",
                "zrange", "incrby", "info");
        for (String command : after.keySet()) {
            if (!insideTheScript.contains(command)) {
                assertEquals(0, delta(before, after, command), "unexpected " + command + " calls");
            }
        }
    }

    @Test
    void aBurstAtTheEndOfOneWindowAndTheStartOfTheNextDoesNotGetTwiceTheLimit() throws Exception {
        SlidingWindowLimiter limiter = limiter();
        Duration window = Duration.ofSeconds(2);
        String subject = "ip:test-slide-" + UUID.randomUUID();
        // Just before a 2 s boundary of the clock (where a fixed window would start over) ...
        long boundary = (System.currentTimeMillis() / 2000 + 2) * 2000;
        Thread.sleep(boundary - 300 - System.currentTimeMillis());
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += limiter.check(subject, Category.WRITE, 10, window, 0, window).standing().allowed() ? 1 : 0;
        }
        assertEquals(10, admitted);
        // ... and just after that same boundary (measured from it, so a slow burst cannot push this to the next one):
        // nothing more, because the last 2 s already hold 10.
        Thread.sleep(Math.max(0, boundary + 100 - System.currentTimeMillis()));
        for (int i = 0; i < 10; i++) {
            assertFalse(limiter.check(subject, Category.WRITE, 10, window, 0, window).standing().allowed(), "request " + i);
        }
        // Once the first burst has slid out of the window, the limit is available again.
        Thread.sleep(2000);
        assertTrue(limiter.check(subject, Category.WRITE, 10, window, 0, window).standing().allowed());
    }

    @Test
    void standingCountsDownAndResetIsWhenTheOldestRequestLeaves() throws Exception {
        SlidingWindowLimiter limiter = limiter();
        Duration window = Duration.ofSeconds(3);
        String subject = "user:" + UUID.randomUUID();
        Standing first = limiter.check(subject, Category.READ, 3, window, 0, window).standing();
        assertEquals(2, first.remaining());
        assertEquals(3, first.resetSeconds());
        assertEquals(3, first.windowSeconds());
        Thread.sleep(1100);
        assertEquals(1, limiter.check(subject, Category.READ, 3, window, 0, window).standing().remaining());
        Standing last = limiter.check(subject, Category.READ, 3, window, 0, window).standing();
        assertEquals(0, last.remaining());
        assertTrue(last.allowed());
        Standing refused = limiter.check(subject, Category.READ, 3, window, 0, window).standing();
        assertFalse(refused.allowed());
        assertTrue(refused.resetSeconds() >= 1 && refused.resetSeconds() <= 2, "reset " + refused.resetSeconds());
        Thread.sleep(refused.resetSeconds() * 1000);
        assertTrue(limiter.check(subject, Category.READ, 3, window, 0, window).standing().allowed(),
                "after waiting reset seconds a request is admitted");
    }

    @Test
    void peekReportsWithoutSpending() {
        SlidingWindowLimiter limiter = limiter();
        String subject = "ip:test-peek-" + UUID.randomUUID();
        limiter.check(subject, Category.READ, 10, MINUTE, 0, MINUTE);
        limiter.check(subject, Category.READ, 10, MINUTE, 0, MINUTE);
        Map<Category, Integer> limits = Map.of(Category.READ, 10, Category.WRITE, 5);
        for (int i = 0; i < 3; i++) {
            Map<Category, Standing> standing = limiter.peek(subject, limits, MINUTE);
            assertEquals(8, standing.get(Category.READ).remaining());
            assertEquals(5, standing.get(Category.WRITE).remaining());
            assertEquals(60, standing.get(Category.WRITE).resetSeconds());
        }
    }

    @Test
    void theThresholdthRejectionMakesAnAddressAnOffenderOnce() {
        SlidingWindowLimiter limiter = limiter();
        String subject = "ip:test-offender-" + UUID.randomUUID();
        assertTrue(limiter.check(subject, Category.AUTH, 1, MINUTE, 3, MINUTE).standing().allowed());
        List<Boolean> offender = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            offender.add(limiter.check(subject, Category.AUTH, 1, MINUTE, 3, MINUTE).becameOffender());
        }
        assertEquals(List.of(false, false, true, false, false, false), offender);
    }

    @Test
    void refusalsL0MadeWithoutAskingRedisCountTowardsTheThreshold() {
        SlidingWindowLimiter limiter = limiter();
        String subject = "ip:test-offender-l0-" + UUID.randomUUID();
        assertTrue(limiter.check(subject, Category.AUTH, 1, MINUTE, 5, MINUTE).standing().allowed());
        assertFalse(limiter.check(subject, Category.AUTH, 1, MINUTE, 5, MINUTE, 3).becameOffender(), "4 rejections");
        assertTrue(limiter.check(subject, Category.AUTH, 1, MINUTE, 5, MINUTE, 7).becameOffender(), "12 rejections");
        assertFalse(limiter.check(subject, Category.AUTH, 1, MINUTE, 5, MINUTE, 7).becameOffender(), "once");
    }

    @Test
    void keysExpireOnTheirOwnAndShareOneClusterSlot() {
        SlidingWindowLimiter limiter = limiter();
        String subject = "ip:test-ttl-" + UUID.randomUUID();
        limiter.check(subject, Category.AUTH, 1, MINUTE, 3, Duration.ofMinutes(5));
        limiter.check(subject, Category.AUTH, 1, MINUTE, 3, Duration.ofMinutes(5));
        long windowTtl = redis.execute("PTTL", "rl:{" + subject + "}:auth").await().indefinitely().toLong();
        long rejectionsTtl = redis.execute("PTTL", "rl:{" + subject + "}:rejections").await().indefinitely().toLong();
        assertTrue(windowTtl > 0 && windowTtl <= 60_000, "window key TTL " + windowTtl);
        assertTrue(rejectionsTtl > 60_000 && rejectionsTtl <= 300_000, "rejection counter TTL " + rejectionsTtl);
        limiter.clear(subject);
        assertEquals(0, redis.execute("EXISTS", "rl:{" + subject + "}:auth", "rl:{" + subject + "}:rejections")
                .await().indefinitely().toInteger());
    }

    private Map<String, Long> commandCalls() {
        return server.commandCalls();
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return ThrowAwayRedis.delta(before, after, command);
    }
}
