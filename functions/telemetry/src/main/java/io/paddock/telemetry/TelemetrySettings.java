package io.paddock.telemetry;

import io.paddock.shared.validation.DurationRange;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;

/** Telemetry settings of the HTTP function (env PADDOCK_TELEMETRY_*; the maintenance run reads RETENTION_DAYS too). */
@ConfigMapping(prefix = "paddock.telemetry")
public interface TelemetrySettings {

    /**
     * Stored events older than this are pruned daily; a parked batch expires (DynamoDB TTL) after the same
     * time, since its events would be pruned the day they were finally stored.
     */
    /**
     * The DynamoDB table of usage-event batches parked while PostgreSQL is unavailable, until the maintenance
     * run replays them (DYNAMODB_PARKED_EVENTS_TABLE, which template.yaml sets on the telemetry functions only).
     */
    @NotBlank
    String parkedEventsTable();

    @WithDefault("30")
    @Min(1) @Max(3650)
    int retentionDays();

    /**
     * How long ingestion waits for Redis to say which impressions name a served feed response; past it
     * they are stored with served unknown. 10ms to 2s.
     */
    @WithDefault("200ms")
    @DurationRange(min = "PT0.01S", max = "PT2S", message = "must be between 10ms and 2s")
    Duration redisTimeout();
}
