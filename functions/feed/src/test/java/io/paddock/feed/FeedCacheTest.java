package io.paddock.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.testing.ThrowAwayRedis;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link FeedCache} on the embedded Redis, called directly as one container: its Redis calls are
 * {@code EVALSHA} (the fan-out of a post sends keys, not copies of the script), a Redis that forgot its
 * scripts costs one reload per script, and a same-container wait for a stuck loader ends.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class FeedCacheTest {

    private static final int FOLLOWERS = 2_000;
    private static final int LIMIT = 20;
    private static final FeedCache.Loader NOT_CALLED = () -> {
        throw new AssertionError("the page should have come from Redis");
    };

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    FeedSettings settings;

    /** A generous Redis time limit: these tests count calls, they are not about the breaker. */
    private FeedCache container() {
        return new FeedCache(redis, settings.cacheTtl(), Duration.ofSeconds(5));
    }

    @Test
    void everyFeedCacheCallIsOneEvalshaAndNoneSendsTheScript() throws Exception {
        FeedCache cache = container();
        String profile = FeedCache.profile(UUID.randomUUID());
        // Redis learns the three scripts (READ and STORE on a miss, BUMP), as it would once per server.
        cache.firstPage(profile, LIMIT, () -> "before the post");
        cache.bump(List.of(profile));
        List<String> followers = new ArrayList<>();
        for (int i = 0; i < FOLLOWERS; i++) {
            followers.add(FeedCache.home(UUID.randomUUID()));
        }

        Map<String, Long> before = commandCalls();
        cache.bump(followers); // one post's fan-out
        assertEquals("after the post", cache.firstPage(profile, LIMIT, () -> "after the post")); // READ miss + STORE
        for (int i = 0; i < 10; i++) {
            assertEquals("after the post", cache.firstPage(profile, LIMIT, NOT_CALLED)); // READ hit
        }
        Map<String, Long> after = commandCalls();

        assertEquals(FOLLOWERS + 2 + 10, delta(before, after, "evalsha"), "one EVALSHA per audience bumped and per read or store");
        assertEquals(0, delta(before, after, "eval"), "no call sent the script text");
        for (String follower : List.of(followers.get(0), followers.get(FOLLOWERS / 2), followers.get(FOLLOWERS - 1))) {
            assertEquals("1", redis.execute("HGET", follower, "v").await().indefinitely().toString(),
                    "the fan-out moved " + follower + " on");
        }
    }

    @Test
    void aScriptFlushBetweenCallsCostsOneReloadPerScriptAndNoCachedPage() throws Exception {
        FeedCache cache = container();
        String profile = FeedCache.profile(UUID.randomUUID());
        assertEquals("stored before the flush", cache.firstPage(profile, LIMIT, () -> "stored before the flush"));
        cache.bump(List.of(FeedCache.home(UUID.randomUUID()))); // Redis knew all three scripts ...
        redis.execute("SCRIPT", "FLUSH").await().indefinitely(); // ... and forgets them, as after a restart

        Map<String, Long> before = commandCalls();
        assertEquals("stored before the flush", cache.firstPage(profile, LIMIT, NOT_CALLED), "READ reloaded, page kept");
        assertEquals("stored before the flush", cache.firstPage(profile, LIMIT, NOT_CALLED));
        cache.bump(List.of(profile)); // BUMP reloaded: the page is gone for the next read
        assertEquals("after the bump", cache.firstPage(profile, LIMIT, () -> "after the bump")); // STORE reloaded
        assertEquals("after the bump", cache.firstPage(profile, LIMIT, NOT_CALLED));
        Map<String, Long> reloaded = commandCalls();
        assertEquals(3, delta(before, reloaded, "eval"), "READ, BUMP and STORE each sent once");

        cache.bump(List.of(profile));
        assertEquals("after the second bump", cache.firstPage(profile, LIMIT, () -> "after the second bump"));
        assertEquals(0, delta(reloaded, commandCalls(), "eval"), "EVALSHA again once reloaded");
    }

    @Test
    void aSameContainerWaiterStopsWaitingForAStuckLoaderAndReadsForItself() throws Exception {
        FeedCache cache = container();
        String profile = FeedCache.profile(UUID.randomUUID());
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService requests = Executors.newFixedThreadPool(2);
        try {
            Future<String> stuck = requests.submit(() -> cache.firstPage(profile, LIMIT, () -> {
                loading.countDown();
                release.await(); // PostgreSQL holds this loader (a lock wait, a slow plan)
                return "the loader's page";
            }));
            loading.await();
            Future<String> waiter = requests.submit(() -> cache.firstPage(profile, LIMIT, () -> "the waiter's own read"));
            // The guard only turns an unbounded wait into a failure instead of a hung build.
            assertEquals("the waiter's own read", waiter.get(60, TimeUnit.SECONDS));
            assertFalse(stuck.isDone(), "the loader is still stuck");

            release.countDown();
            assertEquals("the loader's page", stuck.get());
            assertEquals("the loader's page", cache.firstPage(profile, LIMIT, NOT_CALLED),
                    "the loader stored its page; the waiter's read was served, not stored");
        } finally {
            release.countDown();
            requests.shutdownNow();
        }
    }

    private Map<String, Long> commandCalls() {
        return ThrowAwayRedis.commandCalls(redis);
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return ThrowAwayRedis.delta(before, after, command);
    }
}
