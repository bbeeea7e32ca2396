package io.paddock.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * Brute-force limits of the auth routes until the shared limiter (issue 4) takes over
 * (env PADDOCK_AUTH_LIMITS_AUTH_REQUESTS, ..._WINDOW, ..._FAILURES_BEFORE_BACKOFF, ...).
 */
@ConfigMapping(prefix = "paddock.auth.limits")
public interface AuthLimitSettings {

    /** Requests of the {@code auth} category per client (IP, or user when authenticated) and window. */
    @WithDefault("20")
    @Min(1) @Max(1000000)
    int authRequests();

    /** Requests of the {@code read} category (GET /v1/auth/me) per user and window. */
    @WithDefault("100")
    @Min(1) @Max(1000000)
    int readRequests();

    @WithDefault("60s")
    Duration window();

    /** Consecutive wrong passwords of one account before the back-off starts. */
    @WithDefault("5")
    @Min(1) @Max(1000000)
    int failuresBeforeBackoff();

    /** Back-off after the last free failure; it doubles with each further one. */
    @WithDefault("1s")
    Duration backoffInitial();

    @WithDefault("300s")
    Duration backoffMax();

    /** How long an account's failure count is remembered after its last failure. */
    @WithDefault("1h")
    Duration failureMemory();
}
