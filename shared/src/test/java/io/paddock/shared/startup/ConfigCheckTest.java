package io.paddock.shared.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.config.InvalidConfigurationException;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.validation.SettingsConstraints;
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
    void theRecentSignInWindowIsHalfAMinuteToAnHour() {
        assertEquals(List.of(), ConfigCheck.problems(config(Map.of("paddock.auth.recent-sign-in", "10m"))));
        for (String bad : new String[] {"10s", "2h"}) {
            List<String> problems = ConfigCheck.problems(config(Map.of("paddock.auth.recent-sign-in", bad)));
            assertEquals(1, problems.size(), String.join("\n", problems));
            assertTrue(problems.get(0).contains("PADDOCK_AUTH_RECENT_SIGN_IN"), problems.get(0));
        }
    }

    @Test
    void startupFailureListsEveryProblem() {
        PaddockConfig config = config(Map.of("paddock.database.url", "", "paddock.redis.url", "x",
                "paddock.database.pool-max-size", "0", "paddock.env", "production"));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConfigCheck.failOnProblems(SettingsConstraints.problems(PaddockConfig.class, config), config));
        assertTrue(e.getMessage().startsWith("Invalid configuration:"));
        assertTrue(e.getMessage().contains("paddock.database.url") && e.getMessage().contains("paddock.redis.url"));
        assertTrue(e.getMessage().contains("paddock.database.pool-max-size must be greater than or equal to 1 (is 0)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("paddock.env must be one of local, dev, test, staging, prod"), e.getMessage());
    }

    @Test
    void theRulesWrittenOnTheSettingsAreCheckedByKeyNestedGroupsIncluded() {
        List<String> problems = SettingsConstraints.problems(PaddockConfig.class, config(Map.of(
                "paddock.database.pool-max-size", "51", "paddock.auth.issuer", " ", "paddock.http.max-body-bytes", "10")));
        assertEquals(List.of("paddock.auth.issuer must not be blank",
                "paddock.database.pool-max-size must be less than or equal to 50 (is 51)",
                "paddock.http.max-body-bytes must be greater than or equal to 1024 (is 10)"), problems);
        assertEquals(List.of(), SettingsConstraints.problems(PaddockConfig.class, config(Map.of())));
    }

    @Test
    void localModeIsOnlyLocalOrTest() {
        assertFalse(config(Map.of()).localMode(), "the default is prod");
        assertTrue(config(Map.of("paddock.env", "local")).localMode());
    }

    @Test
    void iamSignInToPostgresNeedsAUserNoPasswordTlsAndARegion() {
        Map<String, String> iam = Map.of(
                "paddock.database.url", "postgres://proxy.rds.amazonaws.com:5432/paddock",
                "paddock.database.username", "paddock_app",
                "paddock.database.iam-auth", "true",
                "paddock.aws-region", "us-east-1");
        assertEquals(List.of(), ConfigCheck.problems(config(iam)));

        Map<String, String> wrong = new HashMap<>(iam);
        wrong.put("paddock.database.url", "postgres://:hunter2@proxy.rds.amazonaws.com:5432/paddock?sslmode=disable");
        wrong.put("paddock.database.username", "");
        wrong.put("paddock.aws-region", "");
        String all = String.join("\n", ConfigCheck.problems(config(wrong)));
        assertTrue(all.contains("DATABASE_USER"), all);
        assertTrue(all.contains("remove the password"), all);
        assertTrue(all.contains("sslmode=disable"), all);
        assertTrue(all.contains("AWS_REGION"), all);
        assertFalse(all.contains("hunter2"), all);
        assertEquals(4, ConfigCheck.problems(config(wrong)).size(), all);
    }

    @Test
    void iamSignInToElastiCacheNeedsTheCacheNameTlsNoCredentialsInTheUrlAndARegion() {
        Map<String, String> iam = Map.of(
                "paddock.redis.url", "rediss://paddock-cache-abc123.serverless.use1.cache.amazonaws.com:6379",
                "paddock.redis.iam-user", "paddock-app",
                "paddock.redis.iam-cache-name", "paddock-cache",
                "paddock.aws-region", "us-east-1");
        assertEquals(List.of(), ConfigCheck.problems(config(iam)));

        Map<String, String> wrong = new HashMap<>(iam);
        wrong.put("paddock.redis.url", "redis://default:hunter2@cache.internal:6379");
        wrong.put("paddock.redis.iam-cache-name", "");
        wrong.put("paddock.aws-region", "");
        List<String> problems = ConfigCheck.problems(config(wrong));
        String all = String.join("\n", problems);
        assertTrue(all.contains("REDIS_IAM_CACHE_NAME"), all);
        assertTrue(all.contains("must be rediss://"), all);
        assertTrue(all.contains("no user or password"), all);
        assertTrue(all.contains("AWS_REGION"), all);
        assertFalse(all.contains("hunter2"), all);
        assertEquals(4, problems.size(), all);

        assertTrue(String.join("\n", ConfigCheck.problems(config(Map.of("paddock.redis.iam-cache-name", "paddock-cache"))))
                .contains("REDIS_IAM_USER"));
        assertTrue(String.join("\n", ConfigCheck.problems(config(Map.of(
                "paddock.redis.url", "rediss://c:6379", "paddock.redis.iam-user", "u",
                "paddock.redis.iam-cache-name", "Paddock_Cache", "paddock.aws-region", "us-east-1"))))
                .contains("'Paddock_Cache'"));
    }

    @Test
    void originSecretsShorterThan32CharactersAreNamedByPositionNotValue() {
        List<String> problems = ConfigCheck.problems(config(Map.of("paddock.http.origin-secrets",
                "current-origin-secret-0123456789abcdef,short-one,"
                        + "arn:aws:secretsmanager:us-east-1:123456789012:secret:paddock/origin-AbCdEf")));
        assertEquals(1, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).contains("secret 2 has 9 characters"), problems.get(0));
        assertFalse(problems.get(0).contains("short-one"), problems.get(0));
    }
}
