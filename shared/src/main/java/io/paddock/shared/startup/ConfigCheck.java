package io.paddock.shared.startup;

import io.paddock.shared.auth.SigningKeys;
import io.paddock.shared.config.InvalidConfigurationException;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.config.Secrets;
import io.paddock.shared.db.DatabaseUrl;
import io.paddock.shared.validation.SettingsConstraints;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.SmallRyeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Singleton;
import java.lang.reflect.Type;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Checks what constraint annotations cannot: that URLs parse and that the pieces fit together.
 * Runs at container start (Lambda init) and fails it with every problem listed by key. It lives above
 * config, db and auth because it asks the packages that own a setting whether it parses; config itself
 * stays a leaf they all read.
 */
@Singleton
public class ConfigCheck {

    /** How ElastiCache stores a serverless cache name or replication group id. */
    private static final Pattern CACHE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    /**
     * First of everything that runs at start (priority 1), so a bad setting is reported by its key before a
     * bean built from it fails some other way: the rules written on every settings interface of the
     * application ({@link SettingsConstraints}), then the checks below.
     */
    void onStart(@Observes @Priority(1) StartupEvent event, PaddockConfig config, BeanManager beans) {
        failOnProblems(settingsProblems(beans), config);
    }

    /** Stops the start when anything is wrong, listing the settings' rule problems first. */
    static void failOnProblems(List<String> settingsProblems, PaddockConfig config) {
        List<String> problems = new ArrayList<>(settingsProblems);
        problems.addAll(problems(config));
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    /** The rules on every {@link ConfigMapping} the application has a bean of (the ones it injects somewhere). */
    static List<String> settingsProblems(BeanManager beans) {
        SmallRyeConfig config = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
        List<String> problems = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            for (Type type : bean.getTypes()) {
                if (type instanceof Class<?> mapping && mapping.isAnnotationPresent(ConfigMapping.class) && seen.add(mapping)) {
                    // The beans want an injection point; the configuration itself hands the mapping out.
                    Object settings = config.getConfigMapping(mapping);
                    problems.addAll(SettingsConstraints.problems(mapping, settings));
                }
            }
        }
        return problems;
    }

    /** Plain method so tests can feed any configuration. */
    public static List<String> problems(PaddockConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.database().url().isEmpty()) {
            problems.add("paddock.database.url (env DATABASE_URL) is not set: give postgres://user:password@host:5432/db");
        } else {
            try {
                DatabaseUrl url = DatabaseUrl.parse(config.database().url().get());
                if (config.database().iamAuth()) {
                    databaseIamProblems(config, url, problems);
                }
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
        redisIamProblems(config, problems);
        originSecretProblems(config, problems);
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
                SigningKeys.parse(config.auth().signingKeys(), config.auth().verificationKeys());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (config.auth().clockSkew().compareTo(java.time.Duration.ofSeconds(60)) > 0) {
            problems.add("paddock.auth.clock-skew must be at most 60s");
        }
        java.time.Duration recent = config.auth().recentSignIn();
        if (recent.compareTo(java.time.Duration.ofSeconds(30)) < 0 || recent.compareTo(java.time.Duration.ofHours(1)) > 0) {
            problems.add("paddock.auth.recent-sign-in (env PADDOCK_AUTH_RECENT_SIGN_IN) must be between 30 seconds and 1 hour, got "
                    + recent);
        }
        return problems;
    }

    /** RDS Proxy with IAM authentication: a user, no password, TLS, one host, a region to sign for. */
    private static void databaseIamProblems(PaddockConfig config, DatabaseUrl url, List<String> problems) {
        PaddockConfig.Database db = config.database();
        if (db.username().filter(s -> !s.isBlank()).or(url::username).isEmpty()) {
            problems.add("paddock.database.iam-auth (env DATABASE_IAM_AUTH) needs the database user: set DATABASE_USER");
        }
        if (db.password().filter(s -> !s.isBlank()).isPresent() || url.password().filter(s -> !s.isEmpty()).isPresent()) {
            problems.add("paddock.database.iam-auth (env DATABASE_IAM_AUTH) signs in with IAM tokens: remove the password "
                    + "(DATABASE_PASSWORD and any password in DATABASE_URL)");
        }
        try {
            url.withTlsRequired();
        } catch (IllegalArgumentException e) {
            problems.add("paddock.database.url (env DATABASE_URL) " + e.getMessage());
        }
        try {
            url.endpoint();
        } catch (IllegalArgumentException e) {
            problems.add("paddock.database.url (env DATABASE_URL) " + e.getMessage());
        }
        if (config.awsRegion().filter(s -> !s.isBlank()).isEmpty()) {
            problems.add("paddock.database.iam-auth (env DATABASE_IAM_AUTH) needs the region to sign for: AWS_REGION is not set");
        }
    }

    /** ElastiCache IAM: cache name, rediss:// without credentials, a region to sign for. */
    private static void redisIamProblems(PaddockConfig config, List<String> problems) {
        PaddockConfig.Redis redis = config.redis();
        Optional<String> user = redis.iamUser().filter(s -> !s.isBlank());
        Optional<String> cache = redis.iamCacheName().filter(s -> !s.isBlank());
        if (user.isEmpty()) {
            if (cache.isPresent()) {
                problems.add("paddock.redis.iam-cache-name (env REDIS_IAM_CACHE_NAME) is set but paddock.redis.iam-user "
                        + "(env REDIS_IAM_USER) is not: set both for IAM authentication, or neither");
            }
            return;
        }
        if (cache.isEmpty()) {
            problems.add("paddock.redis.iam-user (env REDIS_IAM_USER) needs the cache it signs in to: set REDIS_IAM_CACHE_NAME "
                    + "(the serverless cache's name or the replication group id)");
        } else if (!CACHE_NAME.matcher(cache.get()).matches()) {
            problems.add("paddock.redis.iam-cache-name (env REDIS_IAM_CACHE_NAME) must be the cache's name as ElastiCache "
                    + "stores it (lower case letters, digits, hyphens, at most 40), got '" + cache.get() + "'");
        }
        if (!redis.url().startsWith("rediss://")) {
            problems.add("paddock.redis.url (env REDIS_URL) must be rediss:// when paddock.redis.iam-user (env REDIS_IAM_USER) "
                    + "is set: ElastiCache accepts IAM sign-in over TLS only");
        }
        if (userInfoOf(redis.url()) != null) {
            problems.add("paddock.redis.url (env REDIS_URL) must carry no user or password when paddock.redis.iam-user "
                    + "(env REDIS_IAM_USER) is set: '" + redact(redis.url()) + "'");
        }
        if (config.awsRegion().filter(s -> !s.isBlank()).isEmpty()) {
            problems.add("paddock.redis.iam-user (env REDIS_IAM_USER) needs the region to sign for: AWS_REGION is not set");
        }
    }

    /** Literal secrets only: one held in Secrets Manager is checked when it is read (OriginLock). */
    private static void originSecretProblems(PaddockConfig config, List<String> problems) {
        List<String> secrets = config.http().originSecrets().orElse(List.of());
        for (int i = 0; i < secrets.size(); i++) {
            String secret = secrets.get(i).strip();
            if (!Secrets.isReference(secret) && secret.length() < PaddockConfig.Http.MIN_ORIGIN_SECRET_LENGTH) {
                // The length, never the value: this line ends up in the function's log.
                problems.add("paddock.http.origin-secrets (env PADDOCK_HTTP_ORIGIN_SECRETS): secret " + (i + 1) + " has "
                        + secret.length() + " characters; each needs at least "
                        + PaddockConfig.Http.MIN_ORIGIN_SECRET_LENGTH);
            }
        }
    }

    private static String userInfoOf(String url) {
        try {
            return URI.create(url).getRawUserInfo();
        } catch (IllegalArgumentException e) {
            return null;
        }
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
}
