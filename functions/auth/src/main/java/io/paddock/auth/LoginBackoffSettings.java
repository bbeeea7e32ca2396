package io.paddock.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * Per-account login back-off (env PADDOCK_AUTH_LOGIN_BACKOFF_AFTER_FAILURES, ..._INITIAL, ..._MAX, ..._MEMORY):
 * from the {@code afterFailures}-th consecutive failure the account waits initial·2^n, at most {@code max}.
 */
@ConfigMapping(prefix = "paddock.auth.login-backoff")
public interface LoginBackoffSettings {

    @WithDefault("5")
    @Min(1) @Max(1000000)
    int afterFailures();

    @WithDefault("1s")
    Duration initial();

    @WithDefault("300s")
    Duration max();

    /** How long an account's failure count is remembered after its last failure. */
    @WithDefault("1h")
    Duration memory();
}
