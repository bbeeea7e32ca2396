package io.paddock.shared.observability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.config.InvalidConfigurationException;
import io.sentry.Sentry;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
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
            ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> new SmallRyeConfigBuilder()
                    .withMapping(SentryConfig.class)
                    .withValidator((BeanValidationConfigValidator) ErrorReportsTest::validator)
                    .withSources(new PropertiesConfigSource(Map.of("paddock.sentry.sample-rate", rate), "test", 100))
                    .build(), rate);
            assertTrue(e.getMessage().contains("paddock.sentry.sample-rate must be between 0 and 1"), e.getMessage());
        }
    }

    private static Validator validator() {
        return Validation.buildDefaultValidatorFactory().getValidator();
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
