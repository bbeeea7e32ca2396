package io.paddock.shared.observability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.config.InvalidConfigurationException;
import io.paddock.shared.validation.SettingsConstraints;
import io.sentry.Sentry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErrorReportsTest {

    @Test
    void withoutADsnSentryIsNeverInitialised() {
        assertFalse(ErrorReports.start(Optional.empty(), 0.1, "test", "0.1.0"));
        assertFalse(Sentry.isEnabled());
    }

    @Test
    void aSampleRateOutsideZeroToOneFailsStartNamingTheKey() {
        for (String rate : new String[] {"1.5", "-0.1", "NaN"}) {
            SentryConfig settings = new SmallRyeConfigBuilder()
                    .withMapping(SentryConfig.class)
                    .withSources(new PropertiesConfigSource(Map.of("paddock.sentry.sample-rate", rate), "test", 100))
                    .build().getConfigMapping(SentryConfig.class);
            List<String> problems = SettingsConstraints.problems(SentryConfig.class, settings);
            assertTrue(problems.size() == 1 && problems.get(0).startsWith("paddock.sentry.sample-rate must be between 0 and 1"),
                    rate + ": " + problems);
        }
        SentryConfig fine = new SmallRyeConfigBuilder().withMapping(SentryConfig.class)
                .withSources(new PropertiesConfigSource(Map.of("paddock.sentry.sample-rate", "1"), "test", 100))
                .build().getConfigMapping(SentryConfig.class);
        assertTrue(SettingsConstraints.problems(SentryConfig.class, fine).isEmpty());
    }

    @Test
    void aDsnSentryCannotParseFailsStartNamingTheKeyWithoutTheSecret() {
        for (String dsn : new String[] {"https://s3cr3t-key@sentry.example.com/", "ftp://s3cr3t-key@sentry.example.com/1",
                "https://s3cr3t-key@sentry.example.com/not a project"}) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> ErrorReports.start(Optional.of(dsn), 0.1, "test", "0.1.0"));
            assertTrue(e.getMessage().contains("paddock.sentry.dsn") && e.getMessage().contains("SENTRY_DSN"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t-key"), e.getMessage());
            assertFalse(Sentry.isEnabled());
        }
    }
}
