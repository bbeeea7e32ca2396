package io.paddock.telemetry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Telemetry settings of the HTTP function (env PADDOCK_TELEMETRY_RETENTION_DAYS, as the maintenance run reads it). */
@ConfigMapping(prefix = "paddock.telemetry")
public interface TelemetrySettings {

    /**
     * Stored events older than this are pruned daily; a parked batch expires (DynamoDB TTL) after the same
     * time, since its events would be pruned the day they were finally stored.
     */
    @WithDefault("30")
    @Min(1) @Max(3650)
    int retentionDays();
}
