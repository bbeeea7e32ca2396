package io.paddock.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;

/**
 * Refresh-token families (env PADDOCK_AUTH_REFRESH_TOKENS_TTL, PADDOCK_AUTH_REFRESH_TOKENS_GRACE_PERIOD; the table
 * from DYNAMODB_REFRESH_FAMILIES_TABLE, which template.yaml sets on this function only).
 */
@ConfigMapping(prefix = "paddock.auth.refresh-tokens")
public interface RefreshTokenSettings {

    /** The DynamoDB table of families; only auth reads or writes it. */
    @NotBlank
    String table();

    /** A family lives this long after its last refresh (sliding); DynamoDB's TTL removes it later. */
    @WithDefault("30d")
    Duration ttl();

    /**
     * Multi-tab grace: the immediate parent of the current token, presented again within this time
     * after it was spent, gets the same new pair back instead of revoking the family.
     */
    @WithDefault("10s")
    Duration gracePeriod();
}
