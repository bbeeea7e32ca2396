package io.paddock.shared.ratelimit;

import io.paddock.shared.ids.RenewableRandom;
import io.paddock.shared.redis.RedisScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * L1: an exact sliding window on Redis, one atomic Lua script — one round trip — per check.
 *
 * <p>Why a sliding-window <em>log</em> (a sorted set of request times) rather than the two-bucket
 * sliding-window counter: the counter approximates the previous window as evenly spread, so a burst at
 * the end of one minute and the start of the next can pass up to ~2× the limit in some 60 s span; the
 * log never admits more than {@code limit} in any window, and its Retry-After is exact (when the oldest
 * counted request leaves). Its cost is memory of one entry per admitted request (rejections are not
 * stored): at most {@code limit} small entries per key, a few KiB for the largest default (600/min).
 *
 * <p>Keys are {@code rl:{subject}:category}: the hash tag puts all keys of one subject in one cluster
 * slot, so one script may touch several of them (ElastiCache Serverless is cluster mode). Time is the
 * Redis server's ({@code TIME}), so every container agrees on it; every key expires on its own.
 */
public final class SlidingWindowLimiter {

    /** The result of one check: the standing, and whether this rejection made the subject an offender. */
    public record Check(Standing standing, boolean becameOffender) {
    }

    /**
     * KEYS[1] window log, KEYS[2] rejection counter. ARGV: limit, window ms, unique member suffix,
     * offender threshold (0 = do not count rejections), offender window ms, rejections L0 made since
     * the last check (they count towards the threshold as if L1 had made them).
     * Returns {allowed 0/1, remaining, reset ms, became offender 0/1}.
     */
    static final RedisScript CHECK = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local limit = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local count = redis.call('ZCARD', KEYS[1])
            local allowed = 0
            if count < limit then
              redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
              redis.call('PEXPIRE', KEYS[1], window)
              count = count + 1
              allowed = 1
            end
            local reset = window
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            if oldest[2] then reset = tonumber(oldest[2]) + window - now end
            local offender = 0
            local threshold = tonumber(ARGV[4])
            local add = tonumber(ARGV[6]) + (1 - allowed)
            if threshold > 0 and add > 0 then
              local rejections = redis.call('INCRBY', KEYS[2], add)
              if rejections == add then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
              if rejections >= threshold and rejections - add < threshold then offender = 1 end
            end
            return {allowed, limit - count, reset, offender}
            """);

    /** KEYS: one window log per category; ARGV[1] window ms. Read-only. Returns {count, reset ms} per key. */
    static final RedisScript PEEK = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[1])
            local out = {}
            for _, key in ipairs(KEYS) do
              local from = '(' .. (now - window)
              local count = redis.call('ZCOUNT', key, from, '+inf')
              local reset = window
              local oldest = redis.call('ZRANGEBYSCORE', key, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
              if oldest[2] then reset = tonumber(oldest[2]) + window - now end
              out[#out + 1] = count
              out[#out + 1] = reset
            end
            return out
            """);

    private final ReactiveRedisDataSource redis;
    private final Duration timeout;
    /** Member ids of the window log: copies restored from one snapshot must not draw the same ones. */
    private final RenewableRandom random = RenewableRandom.create();

    public SlidingWindowLimiter(ReactiveRedisDataSource redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    /**
     * Counts one request of {@code subject} in {@code category} if fewer than {@code limit} were counted
     * in the last {@code window}. {@code offenderThreshold} rejections within {@code offenderWindow}
     * report {@code becameOffender} once (0 turns that off). Throws when Redis does not answer in time.
     */
    public Check check(String subject, Category category, int limit, Duration window, int offenderThreshold,
            Duration offenderWindow) {
        return check(subject, category, limit, window, offenderThreshold, offenderWindow, 0);
    }

    /** {@link #check}, also counting {@code earlierRejections} that L0 made without asking Redis. */
    public Check check(String subject, Category category, int limit, Duration window, int offenderThreshold,
            Duration offenderWindow, int earlierRejections) {
        String windowKey = windowKey(subject, category);
        Response r = CHECK.run(redis, List.of(windowKey, rejectionsKey(subject)),
                List.of(Integer.toString(limit), Long.toString(window.toMillis()), Long.toHexString(random.nextLong()),
                        Integer.toString(offenderThreshold), Long.toString(offenderWindow.toMillis()),
                        Integer.toString(Math.max(0, earlierRejections))))
                .await().atMost(timeout);
        boolean allowed = r.get(0).toInteger() == 1;
        int remaining = Math.max(0, r.get(1).toInteger());
        return new Check(new Standing(category, limit, remaining, seconds(r.get(2).toLong()), window.toSeconds(), allowed),
                r.get(3).toInteger() == 1);
    }

    /** The standing in each category without counting anything (GET /v1/rate-limits). */
    public Map<Category, Standing> peek(String subject, Map<Category, Integer> limits, Duration window) {
        List<Category> categories = new ArrayList<>(limits.keySet());
        List<String> keys = categories.stream().map(c -> windowKey(subject, c)).toList();
        Response r = PEEK.run(redis, keys, List.of(Long.toString(window.toMillis()))).await().atMost(timeout);
        Map<Category, Standing> out = new EnumMap<>(Category.class);
        for (int i = 0; i < categories.size(); i++) {
            Category c = categories.get(i);
            int limit = limits.get(c);
            int count = r.get(2 * i).toInteger();
            out.put(c, new Standing(c, limit, Math.max(0, limit - count), seconds(r.get(2 * i + 1).toLong()),
                    window.toSeconds(), count < limit));
        }
        return out;
    }

    /** Forgets every window and the rejection count of {@code subject} (admin unblock). */
    public void clear(String subject) {
        List<String> args = new ArrayList<>();
        for (Category c : Category.values()) {
            args.add(windowKey(subject, c));
        }
        args.add(rejectionsKey(subject));
        redis.execute("DEL", args.toArray(String[]::new)).await().atMost(timeout);
    }

    static String windowKey(String subject, Category category) {
        return "rl:{" + safe(subject) + "}:" + category.policyName();
    }

    static String rejectionsKey(String subject) {
        return "rl:{" + safe(subject) + "}:rejections";
    }

    /** Braces would move the hash tag; subjects come from addresses and ids, which never have them. */
    private static String safe(String subject) {
        if (subject.indexOf('{') >= 0 || subject.indexOf('}') >= 0 || subject.length() > 200) {
            throw new IllegalArgumentException("not a rate-limit subject: " + subject);
        }
        return subject;
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
