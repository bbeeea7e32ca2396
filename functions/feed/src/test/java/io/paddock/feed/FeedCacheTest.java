package io.paddock.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.http.EntityTags;
import io.paddock.shared.testing.ThrowAwayRedis;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
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

    @Test
    void aRevalidationOfTheCachedPageIsOneEvalshaThatSendsBackItsTagAndNotItsBody() throws Exception {
        FeedCache cache = container();
        String profile = FeedCache.profile(UUID.randomUUID());
        String body = "{\"items\":[\"" + "x".repeat(100_000) + "\"]}";
        FeedCache.Page stored = cache.firstPage(profile, LIMIT, List.of(), () -> body);
        assertEquals(EntityTags.strongTag(body.getBytes(StandardCharsets.UTF_8)), stored.tag(), "the tag is the body's");

        Map<String, Long> before = commandCalls();
        long sentBefore = bytesSentByRedis();
        FeedCache.Page revalidated = cache.firstPage(profile, LIMIT, List.of("\"another\"", stored.tag()), NOT_CALLED);
        long sentForRevalidation = bytesSentByRedis() - sentBefore;
        assertTrue(revalidated.current(), "the client holds the cached page");
        assertEquals(stored.tag(), revalidated.tag());
        assertEquals(1, delta(before, commandCalls(), "evalsha"), "one round trip");

        long sentBeforeHit = bytesSentByRedis();
        FeedCache.Page hit = cache.firstPage(profile, LIMIT, List.of("\"an-old-copy\""), NOT_CALLED);
        long sentForHit = bytesSentByRedis() - sentBeforeHit;
        assertEquals(body, hit.body(), "a client with another copy gets the page");
        assertEquals(stored.tag(), hit.tag(), "with the tag stored beside it");
        // Each figure includes one INFO reply (a few KB); the page is 100 KB.
        assertTrue(sentForRevalidation < 20_000 && sentForHit > 100_000,
                "Redis sent " + sentForRevalidation + " bytes for the revalidation and " + sentForHit + " for the hit");
        assertTrue(cache.firstPage(profile, LIMIT, List.of("*"), NOT_CALLED).current(), "* holds any current page");

        cache.bump(List.of(profile));
        FeedCache.Page afterPost = cache.firstPage(profile, LIMIT, List.of(stored.tag()), () -> "{\"items\":[]}");
        assertEquals("{\"items\":[]}", afterPost.body(), "a tag of an older version is not current");
        assertNotEquals(stored.tag(), afterPost.tag());
    }

    /** What Redis has written to its clients so far (INFO stats), replies of every client included. */
    private long bytesSentByRedis() {
        String info = redis.execute("INFO", "stats").await().indefinitely().toString();
        return info.lines().filter(l -> l.startsWith("total_net_output_bytes:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElseThrow();
    }

    private Map<String, Long> commandCalls() {
        return ThrowAwayRedis.commandCalls(redis);
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return ThrowAwayRedis.delta(before, after, command);
    }
}
