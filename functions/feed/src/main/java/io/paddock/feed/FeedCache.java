package io.paddock.feed;

import io.paddock.shared.http.EntityTags;
import io.paddock.shared.observability.RequestRecord;
import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.redis.FeedAudiences;
import io.paddock.shared.redis.RedisScript;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * First pages of the feeds in Redis, invalidated by versions, protected against stampedes.
 *
 * <p>One hash per audience ({@code feed:{home:<viewer>}}, {@code feed:{user:<author>}},
 * {@code feed:{entity:<id>}}) holds its version {@code v}, its cached pages {@code p:<v>:<limit>}
 * (stamped with the time they were stored; older than the TTL counts as missing) and refill locks
 * {@code l:<v>:<limit>} (the keys and the bump script are shared {@link FeedAudiences}: auth's account deletion
 * bumps them too). One key per script keeps every call one round trip and cluster-safe; the
 * scripts travel as {@code EVALSHA} ({@link RedisScript}), so a fan-out of thousands of bumps sends their
 * keys, not thousands of copies of the script.
 *
 * <ul>
 * <li>A write {@link #bump}s the audiences it changes: the version moves on and the old pages are
 * deleted, so the next read misses at once — no waiting for a TTL.</li>
 * <li>A page computed from a version that has moved on meanwhile is not stored ({@code STORE} compares
 * versions), so a read racing a write cannot put the old content back.</li>
 * <li>Stampede: of concurrent misses, one claims the lock ({@code READ} claims it in the same round
 * trip) and runs the query; the others wait for its page (in-process they share one future, for at
 * most {@link #SAME_CONTAINER_WAIT_MS}; across containers they poll Redis for {@link #WAIT_MS}) and only
 * query themselves if it does not come. A loader stuck on PostgreSQL thus costs its waiters one bounded
 * wait and then their own query (or the 503 of a PostgreSQL outage), never an unbounded one.</li>
 * <li>Redis down or slow: a {@link StoreBreaker} skips the cache for 2 s at a time and the feed is read
 * from PostgreSQL — never a 5xx because of the cache.</li>
 * </ul>
 */
@ApplicationScoped
public class FeedCache {

    private static final Logger LOG = Logger.getLogger(FeedCache.class);
    static final long LOCK_MS = 3000;
    static final long WAIT_MS = 1000;
    static final long POLL_MS = 25;
    /**
     * How long a request waits for another request of its container to load the same page. The lock's
     * lifetime is the time one refill is granted (after it another container takes over), and it covers
     * the longest a loader legitimately takes: {@link #WAIT_MS} of polling and then a query.
     */
    static final long SAME_CONTAINER_WAIT_MS = LOCK_MS;
    static final long IDLE_AUDIENCE_MS = FeedAudiences.IDLE_AUDIENCE_MS;

    /**
     * KEYS[1] audience hash; ARGV limit, ttl ms, lock ms, idle ms, the client's tags (space-separated, {@code *}
     * for any, empty for none). Returns {version, page or '', lock claimed 0/1, the page's tag or ''}: a page
     * whose tag the client holds comes back as its tag alone, so a revalidation costs neither the body's bytes
     * nor its serialisation.
     */
    static final RedisScript READ = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local v = redis.call('HGET', KEYS[1], 'v') or '0'
            local page = v .. ':' .. ARGV[1]
            local stored = redis.call('HGET', KEYS[1], 'p:' .. page)
            if stored then
              local sep = string.find(stored, '|', 1, true)
              if now - tonumber(string.sub(stored, 1, sep - 1)) < tonumber(ARGV[2]) then
                local tag = redis.call('HGET', KEYS[1], 'e:' .. page) or ''
                if tag ~= '' and ARGV[5] ~= '' and (ARGV[5] == '*' or string.find(' ' .. ARGV[5] .. ' ', ' ' .. tag .. ' ', 1, true)) then
                  return {v, '', 0, tag}
                end
                return {v, string.sub(stored, sep + 1), 0, tag}
              end
            end
            local lock = 'l:' .. page
            local held = tonumber(redis.call('HGET', KEYS[1], lock) or '0')
            if now - held >= tonumber(ARGV[3]) then
              redis.call('HSET', KEYS[1], lock, now)
              redis.call('PEXPIRE', KEYS[1], ARGV[4])
              return {v, '', 1, ''}
            end
            return {v, '', 0, ''}
            """);

    /** KEYS[1]; ARGV version, limit, body, idle ms, the body's tag. Stores only if the version is still current. */
    static final RedisScript STORE = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local v = redis.call('HGET', KEYS[1], 'v') or '0'
            redis.call('HDEL', KEYS[1], 'l:' .. ARGV[1] .. ':' .. ARGV[2])
            if v ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], 'p:' .. v .. ':' .. ARGV[2], now .. '|' .. ARGV[3], 'e:' .. v .. ':' .. ARGV[2], ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return 1
            """);

    /** What a read found: the version it saw, the cached body if any, whether it must refill, the cached page's tag if any. */
    record Lookup(String version, String body, boolean claimed, String tag) {

        /** The cached page is the one the client holds: only its tag came back. */
        boolean clientCopyCurrent() {
            return body == null && tag != null;
        }
    }

    /**
     * A first page and its strong entity tag ({@link EntityTags#strongTag} of the body's bytes); the body is
     * null when the client's copy is the current page ({@link #current}), which is then answered with 304.
     */
    public record Page(String tag, String body) {

        static Page of(String body) {
            return new Page(EntityTags.strongTag(body.getBytes(StandardCharsets.UTF_8)), body);
        }

        public boolean current() {
            return body == null;
        }
    }

    @FunctionalInterface
    public interface Loader {
        String load() throws Exception;
    }

    private final ReactiveRedisDataSource redis;
    private final Duration ttl;
    private final Duration timeout;
    private final StoreBreaker breaker;
    private final ConcurrentHashMap<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();

    @jakarta.inject.Inject
    public FeedCache(ReactiveRedisDataSource redis, FeedSettings settings, StoreBreakers breakers) {
        this(redis, settings.cacheTtl(), settings.redisTimeout(), breakers.redis());
    }

    /** One cache of one container; tests make several to play containers racing each other. */
    FeedCache(ReactiveRedisDataSource redis, Duration ttl, Duration timeout) {
        this(redis, ttl, timeout, StoreBreaker.unobserved("redis"));
    }

    private FeedCache(ReactiveRedisDataSource redis, Duration ttl, Duration timeout, StoreBreaker breaker) {
        this.breaker = breaker;
        this.redis = redis;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    public static String home(UUID viewer) {
        return FeedAudiences.home(viewer);
    }

    public static String profile(UUID author) {
        return FeedAudiences.profile(author);
    }

    public static String entity(UUID entity) {
        return FeedAudiences.entity(entity);
    }

    /** The first page of an audience: from Redis, or from {@code loader} exactly once per miss and version. */
    public String firstPage(String audience, int limit, Loader loader) throws Exception {
        return firstPage(audience, limit, List.of(), loader).body();
    }

    /**
     * The first page of an audience, or only its tag when {@code clientTags} (the {@code If-None-Match}
     * candidates, {@link EntityTags#candidates}) hold the cached one's: one Redis round trip, no query, no body.
     */
    public Page firstPage(String audience, int limit, List<String> clientTags, Loader loader) throws Exception {
        Optional<Lookup> lookup = lookup(audience, limit, clientTags);
        RequestRecord record = RequestRecords.current();
        LOG.debugf("feed cache %s for %s", lookup.isEmpty() ? "unavailable" : lookup.get().body() != null ? "hit" : "miss",
                audience);
        if (lookup.isPresent() && lookup.get().clientCopyCurrent()) {
            record.cacheHit();
            return new Page(lookup.get().tag(), null);
        }
        if (lookup.isPresent() && lookup.get().body() != null) {
            record.cacheHit();
            String body = lookup.get().body();
            // A page stored before pages carried their tag (a deploy in progress) is tagged here.
            return lookup.get().tag() == null ? Page.of(body) : new Page(lookup.get().tag(), body);
        }
        record.cacheMiss();
        if (lookup.isEmpty()) {
            record.degraded("feed-from-postgres");
        }
        String flightKey = audience + "|" + lookup.map(Lookup::version).orElse("?") + "|" + limit;
        boolean claimed = lookup.isPresent() && lookup.get().claimed();
        CompletableFuture<String> mine = new CompletableFuture<>();
        if (claimed) {
            // This request holds the refill lock: it loads, whatever else is waiting here (waiters find its page).
            inFlight.put(flightKey, mine);
        } else {
            CompletableFuture<String> running = inFlight.putIfAbsent(flightKey, mine);
            if (running != null) {
                return Page.of(awaitSameContainerLoader(running, audience, loader));
            }
        }
        try {
            String body = null;
            if (lookup.isPresent() && !claimed) {
                body = awaitOtherLoader(audience, limit);
            }
            Page page;
            if (body == null) {
                page = Page.of(loader.load());
                if (lookup.isPresent()) {
                    store(audience, lookup.get().version(), limit, page);
                }
            } else {
                page = Page.of(body);
            }
            mine.complete(page.body());
            return page;
        } catch (Exception e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(flightKey, mine);
        }
    }

    /** Moves the audiences on: their cached pages are gone for the next read. Best effort while Redis is down. */
    public void bump(Collection<String> audiences) {
        if (audiences.isEmpty()) {
            return;
        }
        List<String> all = new ArrayList<>(audiences);
        try {
            breaker.call("feed bump", () -> {
                // Sent concurrently in chunks (FeedAudiences): a fan-out to thousands of audiences is pipelined, not a
                // round trip each, and stays within the client's queue.
                FeedAudiences.bump(redis, all, timeout.multipliedBy(5));
                return null;
            });
        } catch (RuntimeException redisDown) {
            // Best effort (see the class comment); the breaker logged the outage once.
        }
    }

    /** Empty when Redis cannot answer: the caller reads PostgreSQL. */
    private Optional<Lookup> lookup(String audience, int limit, List<String> clientTags) {
        try {
            Response r = breaker.call("feed read", () -> READ.run(redis, List.of(audience), List.of(Integer.toString(limit),
                    Long.toString(ttl.toMillis()), Long.toString(LOCK_MS), Long.toString(IDLE_AUDIENCE_MS),
                    String.join(" ", clientTags)))
                    .await().atMost(timeout));
            String body = r.get(1).toString();
            String tag = r.size() > 3 ? r.get(3).toString() : "";
            return Optional.of(new Lookup(r.get(0).toString(), body.isEmpty() ? null : body, r.get(2).toInteger() == 1,
                    tag.isEmpty() ? null : tag));
        } catch (RuntimeException redisDown) {
            return Optional.empty();
        }
    }

    /**
     * Another request of this container is already loading this page (or waiting for another container's):
     * its page, or this request's own read once {@link #SAME_CONTAINER_WAIT_MS} have passed, so a loader
     * stuck on PostgreSQL holds its waiters no longer than that. The page read here is not stored: the
     * loader still holds the refill and stores its own. A loader's failure is this request's failure.
     */
    private static String awaitSameContainerLoader(CompletableFuture<String> running, String audience, Loader loader)
            throws Exception {
        try {
            return running.get(SAME_CONTAINER_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stuck) {
            LOG.debugf("feed cache: gave up waiting for the loader of %s after %d ms", audience, SAME_CONTAINER_WAIT_MS);
            return loader.load();
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof Exception cause ? cause : failed;
        }
    }

    private String awaitOtherLoader(String audience, int limit) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(POLL_MS);
            Optional<Lookup> again = lookup(audience, limit, List.of());
            if (again.isEmpty()) {
                return null;
            }
            if (again.get().body() != null) {
                return again.get().body();
            }
            if (again.get().claimed()) {
                return null; // the other loader gave up (its lock expired): this one loads
            }
        }
        return null;
    }

    private void store(String audience, String version, int limit, Page page) {
        try {
            breaker.call("feed store", () -> STORE.run(redis, List.of(audience), List.of(version, Integer.toString(limit),
                    page.body(), Long.toString(IDLE_AUDIENCE_MS), page.tag())).await().atMost(timeout));
        } catch (RuntimeException redisDown) {
            // The page was served; the next read loads it again.
        }
    }
}
