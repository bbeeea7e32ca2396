package io.paddock.feed;

import io.paddock.shared.validation.DurationRange;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/** Feed caching (env PADDOCK_FEED_*). */
@ConfigMapping(prefix = "paddock.feed")
public interface FeedSettings {

    /** How long a first page stays in Redis (a write makes it unreachable at once anyway). */
    @WithDefault("30s")
    Duration cacheTtl();

    /** Cache-Control of the public feeds (profile, entity); the CDN keeps them for s-maxage. */
    @WithDefault("public, max-age=0, s-maxage=30, stale-while-revalidate=60, stale-if-error=300")
    String publicCacheControl();

    /**
     * A post invalidates the home feed of at most this many followers at once; beyond that (very large
     * audiences) followers see it when their cached first page expires (cacheTtl).
     */
    @WithDefault("5000")
    @Min(0) @Max(1000000)
    int fanOutMax();

    /** How long one Redis call of the cache may take before the feed is read from PostgreSQL. */
    @WithDefault("200ms")
    Duration redisTimeout();

    /**
     * How long a served feed response is remembered ({@code ServedFeeds}), so that telemetry counts the
     * impressions it showed as served: impressions reported later than this count as not served.
     */
    @WithDefault("24h")
    @DurationRange(min = "PT1M", max = "P7D", message = "must be between 1 minute and 7 days")
    Duration servedTtl();
}
