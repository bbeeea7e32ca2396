package io.paddock.shared.observability;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;

/** Logs, metrics and breakers (env PADDOCK_OBSERVABILITY_*, and Powertools' own variable names). */
@ConfigMapping(prefix = "paddock.observability")
public interface ObservabilitySettings {

    /** Share of requests whose debug lines are logged (POWERTOOLS_LOGGER_SAMPLE_RATE); 0 = none. */
    @WithDefault("0")
    @DecimalMin(value = "0", message = "must be between 0 and 1")
    @DecimalMax(value = "1", message = "must be between 0 and 1")
    double debugSampleRate();

    /** CloudWatch namespace of the EMF metrics (POWERTOOLS_METRICS_NAMESPACE). */
    @WithDefault("Paddock")
    @Pattern(regexp = "[A-Za-z0-9._/#:-]{1,255}", message = "must be 1-255 of A-Z a-z 0-9 . _ / # : -")
    String metricsNamespace();

    /** How long a store that failed is skipped before it is tried again; 100ms to 1m. */
    @WithDefault("2s")
    Duration breakerOpenFor();
}
