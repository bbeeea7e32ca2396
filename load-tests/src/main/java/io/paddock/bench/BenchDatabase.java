package io.paddock.bench;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.db.Database;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/** The functions' own pool ({@link Database}) outside Quarkus, from the shipped defaults plus {@code settings}. */
final class BenchDatabase {

    private BenchDatabase() {
    }

    static Database of(Map<String, String> settings) {
        PaddockConfig config = new SmallRyeConfigBuilder()
                .addDefaultSources() // META-INF/microprofile-config.properties of the shared library
                .addDefaultInterceptors() // its ${ENV:default} expressions
                .withMapping(PaddockConfig.class)
                // The shipped file also holds the keys of the library's other mappings (observability,
                // Sentry, telemetry), which a pool alone does not read.
                .withValidateUnknown(false)
                // "2s" is Quarkus' duration syntax; outside a Quarkus app its converter must be named
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(settings, "benchmark", 500))
                .build()
                .getConfigMapping(PaddockConfig.class);
        return new Database(config);
    }
}
