package io.paddock.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * Login back-off per account and address (env PADDOCK_AUTH_LOGIN_BACKOFF_AFTER_FAILURES, ..._INITIAL,
 * ..._MAX, ..._MEMORY, ..._ACCOUNT_CEILING): from the {@code afterFailures}-th consecutive failure for an
 * account from one address, that address waits initial·2^n, at most {@code max}.
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

    /** How long failure counts (per address and account-wide) are remembered after the last failure. */
    @WithDefault("1h")
    Duration memory();

    /**
     * Failures for one account from all addresses together (within {@link #memory()}) from which the
     * account counts as targeted: from then on every address backs off from its own first failure
     * instead of its {@code afterFailures}-th. It never blocks an address without failures of its own,
     * so the owner can still sign in from a clean address.
     */
    @WithDefault("20")
    @Min(1) @Max(1000000)
    int accountCeiling();
}
