package io.paddock.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.shared.testing.TestUsers.TestUser;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * 100 concurrent cold reads of one feed run its query once. Four "containers" (separate caches and
 * query counters sharing one Redis and one PostgreSQL, as Lambda containers do) read at once, 25 each:
 * in-process coalescing joins each container's readers, the Redis lock joins the containers.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class FeedStampedeTest {

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    FeedSettings settings;

    @Inject
    ObjectMapper json;

    @Test
    void hundredConcurrentColdReadsOfOneFeedRunTheQueryOnce() throws Exception {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        for (int i = 0; i < 30; i++) {
            f.post(author, Instant.now().minusSeconds(100 - i));
        }
        // A generous Redis time limit: 100 threads on a small CI machine can take longer than the production
        // 200 ms to get a first answer, and this test is about the stampede, not about the breaker.
        List<FeedQueries> counters = new ArrayList<>();
        List<FeedReads> containers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            FeedQueries queries = new FeedQueries(database);
            counters.add(queries);
            containers.add(new FeedReads(queries, new FeedCache(redis, settings.cacheTtl(), java.time.Duration.ofSeconds(5)), json));
        }
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> bodies = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                FeedReads container = containers.get(i % 4);
                bodies.add(pool.submit(() -> {
                    start.await();
                    return container.profile(author.handle(), null, 20, List.of()).body();
                }));
            }
            start.countDown();
            Set<String> distinct = new HashSet<>();
            for (Future<String> body : bodies) {
                distinct.add(body.get());
            }
            assertEquals(1, distinct.size(), "every reader got the same page");
        } finally {
            pool.shutdownNow();
        }
        long ran = counters.stream().mapToLong(FeedQueries::pageQueries).sum();
        assertEquals(1, ran, "the fusion query ran once for 100 cold reads");
    }
}
