package io.paddock.auth;

import io.paddock.shared.validation.DurationRange;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Account deletion (env PADDOCK_AUTH_ACCOUNT_DELETION_GRACE); checked at start by ConfigCheck. */
@ConfigMapping(prefix = "paddock.auth.account-deletion")
public interface AccountDeletionSettings {

    /**
     * How long a deleted account's e-mail address and handle stay reserved, so that nobody can take over the
     * handle of someone who just left and pass for them; then the daily maintenance deletes the row and frees both.
     */
    @WithDefault("30d")
    @DurationRange(min = "P1D", max = "P365D", message = "must be between 1 day and 365 days")
    Duration grace();
}
