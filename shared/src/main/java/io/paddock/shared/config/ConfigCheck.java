package io.paddock.shared.config;

import io.paddock.shared.db.DatabaseUrl;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what constraint annotations cannot: that URLs parse and that the pieces fit together.
 * Runs at container start (Lambda init) and fails it with every problem listed by key.
 */
@Singleton
public class ConfigCheck {

    void onStart(@Observes StartupEvent event, PaddockConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    /** Plain method so tests can feed any configuration. */
    public static List<String> problems(PaddockConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.database().url().isEmpty()) {
            problems.add("paddock.database.url (env DATABASE_URL) is not set: give postgres://user:password@host:5432/db");
        } else {
            try {
                DatabaseUrl.parse(config.database().url().get());
            } catch (IllegalArgumentException e) {
                problems.add("paddock.database.url (env DATABASE_URL): " + e.getMessage());
            }
        }
        String redis = config.redis().url();
        if (!redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
            problems.add("paddock.redis.url (env REDIS_URL) must start with redis:// or rediss://, got '"
                    + redact(redis) + "'");
        } else if (hostOf(redis) == null) {
            problems.add("paddock.redis.url (env REDIS_URL) has no host: '" + redact(redis) + "'");
        }
        config.dynamodb().endpoint().ifPresent(endpoint -> {
            if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://") || hostOf(endpoint) == null) {
                problems.add("paddock.dynamodb.endpoint (env DYNAMODB_ENDPOINT) must be an http(s) URL, got '"
                        + endpoint + "'");
            }
        });
        config.http().corsOrigins().ifPresent(origins -> {
            for (String origin : origins) {
                if (origin.equals("*")) {
                    problems.add("paddock.http.cors-origins (env PADDOCK_CORS_ORIGINS) must list exact origins, not *");
                } else if (!origin.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
                    problems.add("paddock.http.cors-origins (env PADDOCK_CORS_ORIGINS): '" + origin
                            + "' is not an origin like https://app.example.com");
                }
            }
        });
        // Keys held in Secrets Manager are checked when they are read (AccessTokens), not here.
        if (!config.auth().signingKeys().filter(Secrets::isReference).isPresent()
                && !config.auth().verificationKeys().filter(Secrets::isReference).isPresent()) {
            try {
                io.paddock.shared.auth.SigningKeys.parse(config.auth().signingKeys(), config.auth().verificationKeys());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (config.auth().clockSkew().compareTo(java.time.Duration.ofSeconds(60)) > 0) {
            problems.add("paddock.auth.clock-skew must be at most 60s");
        }
        return problems;
    }

    private static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Never print a password that came in a URL. */
    static String redact(String url) {
        return url.replaceAll("//[^/@]*@", "//***@");
    }

    public static final class InvalidConfigurationException extends RuntimeException {
        public InvalidConfigurationException(List<String> problems) {
            super("Invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
    }
}
