package io.paddock.shared.redis;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The feed caches' audiences as Redis keys, and the one script that moves an audience's version on. The feed
 * function's {@code FeedCache} reads and stores the pages; a write of any function that changes what an
 * audience shows bumps it here — the feed's own writes, and auth's account deletion, whose posts must leave
 * every cached page at once. One hash per audience holds its version {@code v} and the pages of that version
 * (see {@code FeedCache}); a bump increments {@code v} and deletes every other field, so the next read misses.
 *
 * <p>Hazards: a bump is only as good as Redis' answer. Callers treat it as best effort, because a cached page
 * lives at most the cache TTL (30 s) anyway; a bump lost to an outage leaves the old page up for that long.
 */
public final class FeedAudiences {

    /** An audience idle this long is forgotten (its hash expires), version and all. */
    public static final long IDLE_AUDIENCE_MS = Duration.ofDays(1).toMillis();
    /** Bumps sent together: a fan-out to thousands of audiences is pipelined, not a round trip each. */
    static final int BUMP_CHUNK = 500;

    /** KEYS[1]; ARGV idle ms. New version, old pages and locks gone. */
    public static final RedisScript BUMP = new RedisScript("""
            local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
            for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
              if field ~= 'v' then redis.call('HDEL', KEYS[1], field) end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return v
            """);

    private FeedAudiences() {
    }

    /** The home feed of {@code viewer}. */
    public static String home(UUID viewer) {
        return "feed:{home:" + viewer + "}";
    }

    /** The public profile feed of {@code author}. */
    public static String profile(UUID author) {
        return "feed:{user:" + author + "}";
    }

    /** The public feed of one entity. */
    public static String entity(UUID entity) {
        return "feed:{entity:" + entity + "}";
    }

    /**
     * Bumps every audience, in chunks sent concurrently, each chunk waiting at most {@code chunkTimeout}. Throws
     * when Redis does not take them (the caller decides whether that matters; see the class comment).
     */
    public static void bump(ReactiveRedisDataSource redis, Collection<String> audiences, Duration chunkTimeout) {
        List<String> all = new ArrayList<>(audiences);
        for (int from = 0; from < all.size(); from += BUMP_CHUNK) {
            List<Uni<Response>> calls = new ArrayList<>();
            for (String audience : all.subList(from, Math.min(all.size(), from + BUMP_CHUNK))) {
                calls.add(BUMP.run(redis, List.of(audience), List.of(Long.toString(IDLE_AUDIENCE_MS))));
            }
            Uni.join().all(calls).andCollectFailures().await().atMost(chunkTimeout);
        }
    }
}
