package io.paddock.shared.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How the limiter runs (env PADDOCK_RATE_LIMITS_*); the limits themselves are in {@link RateLimitPolicies}. */
@ConfigMapping(prefix = "paddock.rate-limits")
public interface RateLimitSettings {

    /** YAML (or JSON) merged over the shipped paddock/rate-limits.yaml (env PADDOCK_RATE_LIMITS_POLICIES). */
    Optional<String> policies();

    /** How long one L1 check may take before the request falls back to L2 (and the breaker opens). */
    @WithDefault("200ms")
    Duration redisTimeout();

    /** How often each container reloads admins' per-user overrides. */
    @WithDefault("30s")
    Duration overridesRefresh();
}
