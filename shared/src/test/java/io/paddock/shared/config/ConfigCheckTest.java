package io.paddock.shared.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {

    private static final String KEYS = io.paddock.shared.auth.SigningKeys.generateJwks();

    private static PaddockConfig config(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(Map.of(
                "paddock.database.url", "postgres://app:secret@db.internal:5432/paddock",
                "paddock.redis.url", "redis://127.0.0.1:6379",
                "paddock.dynamodb.idempotency-table", "idem",
                "paddock.dynamodb.refresh-families-table", "families",
                "paddock.dynamodb.parked-events-table", "parked",
                "paddock.auth.signing-keys", KEYS));
        values.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(PaddockConfig.class)
                // "2s" is Quarkus' duration syntax; outside a Quarkus app its converter must be named
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 100))
                .build();
        return config.getConfigMapping(PaddockConfig.class);
    }

    @Test
    void aCompleteConfigurationHasNoProblems() {
        assertEquals(List.of(), ConfigCheck.problems(config(Map.of())));
    }

    @Test
    void missingDatabaseUrlNamesTheKeyAndTheEnvironmentVariable() {
        List<String> problems = ConfigCheck.problems(config(Map.of("paddock.database.url", "")));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("paddock.database.url") && problems.get(0).contains("DATABASE_URL"));
    }

    @Test
    void malformedUrlsAreEachReportedByKeyWithoutLeakingPasswords() {
        List<String> problems = ConfigCheck.problems(config(Map.of(
                "paddock.database.url", "mysql://root:hunter2@db/x",
                "paddock.redis.url", "http://user:hunter2@cache:6379",
                "paddock.dynamodb.endpoint", "localhost:8000",
                "paddock.http.cors-origins", "*,https://app.example.com,not an origin")));
        String all = String.join("\n", problems);
        assertTrue(all.contains("paddock.database.url"), all);
        assertTrue(all.contains("paddock.redis.url"), all);
        assertTrue(all.contains("paddock.dynamodb.endpoint"), all);
        assertTrue(all.contains("not, *") || all.contains("not *"), all);
        assertTrue(all.contains("'not an origin'"), all);
        assertFalse(all.contains("hunter2"), "passwords must not be printed: " + all);
        assertEquals(5, problems.size(), all);
    }

    @Test
    void tokenKeysMustBePresentAndUsable() {
        List<String> none = ConfigCheck.problems(config(Map.of("paddock.auth.signing-keys", "")));
        assertEquals(1, none.size(), String.join("\n", none));
        assertTrue(none.get(0).contains("PADDOCK_AUTH_SIGNING_KEYS"), none.get(0));
        List<String> garbage = ConfigCheck.problems(config(Map.of("paddock.auth.signing-keys", "{not json")));
        assertTrue(garbage.get(0).contains("paddock.auth.signing-keys is not a JWK set"), garbage.get(0));
    }

    @Test
    void startupFailureListsEveryProblem() {
        ConfigCheck.InvalidConfigurationException e = assertThrows(ConfigCheck.InvalidConfigurationException.class,
                () -> new ConfigCheck().onStart(null, config(Map.of("paddock.database.url", "", "paddock.redis.url", "x"))));
        assertTrue(e.getMessage().startsWith("Invalid configuration:"));
        assertTrue(e.getMessage().contains("paddock.database.url") && e.getMessage().contains("paddock.redis.url"));
    }

    @Test
    void localModeIsOnlyLocalOrTest() {
        assertFalse(config(Map.of()).localMode(), "the default is prod");
        assertTrue(config(Map.of("paddock.env", "local")).localMode());
    }
}
