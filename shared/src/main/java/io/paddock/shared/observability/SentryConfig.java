package io.paddock.shared.observability;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.util.Optional;

/** Error reporting to Sentry; see {@link ErrorReports}. Checked at container start like {@code PaddockConfig}. */
@ConfigMapping(prefix = "paddock.sentry")
public interface SentryConfig {

    /** https://public-key@host/project-id (SENTRY_DSN); absent or blank = no error reports, Sentry never starts. */
    Optional<String> dsn();

    /** Share of error events sent (SENTRY_SAMPLE_RATE): a burst of one bug must not use up the quota. */
    @WithDefault("0.1")
    @DecimalMin(value = "0", message = "must be between 0 and 1")
    @DecimalMax(value = "1", message = "must be between 0 and 1")
    double sampleRate();
}
