package io.paddock.shared.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of a Paddock function, typed. {@code startup.ConfigCheck} checks the constraints when the
 * container starts ({@code validation.SettingsConstraints}), so a bad value stops the function at init with a
 * message naming the key instead of failing the first request, and adds the checks a constraint cannot
 * express (URLs).
 * Environment variables: see README (e.g. DATABASE_URL, REDIS_URL, DYNAMODB_ENDPOINT).
 */
@ConfigMapping(prefix = "paddock")
public interface PaddockConfig {

    /** local, dev, staging, prod: only {@code local} relaxes CORS and CSP for the developer's browser. */
    @WithDefault("prod")
    @Pattern(regexp = "local|dev|test|staging|prod", message = "must be one of local, dev, test, staging, prod")
    String env();

    Database database();

    Redis redis();

    Dynamodb dynamodb();

    Http http();

    Auth auth();

    Snapshot snapshot();

    /** The function's region (AWS_REGION, set by Lambda): IAM auth tokens are signed for it. */
    Optional<String> awsRegion();

    default boolean localMode() {
        return "local".equals(env()) || "test".equals(env());
    }

    interface Database {
        /** postgres://user:pass@host:5432/db or jdbc:postgresql://host:5432/db (DATABASE_URL). */
        Optional<String> url();

        Optional<String> username();

        Optional<String> password();

        /** Behind RDS Proxy one Lambda container serves one request at a time: 1–2 connections suffice. */
        @WithDefault("2")
        @Min(1) @Max(50)
        int poolMaxSize();

        @WithDefault("3s")
        Duration connectTimeout();

        /** Socket read timeout of the driver: no query or dead proxy hangs a request past this. */
        @WithDefault("10s")
        Duration socketTimeout();

        @WithDefault("2s")
        Duration acquisitionTimeout();

        /**
         * Sign in with an IAM auth token instead of a password (DATABASE_IAM_AUTH), as RDS Proxy with IAM
         * authentication wants: the user is DATABASE_USER (or the URL's), no password may be given, and the
         * connection must use TLS (sslmode=require is added when the URL sets no mode).
         */
        @WithDefault("false")
        boolean iamAuth();
    }

    interface Redis {
        /** redis://host:6379 or rediss://host:6379 (REDIS_URL); also fed to quarkus.redis.hosts. */
        @NotBlank
        String url();

        /**
         * The ElastiCache user to sign in as with IAM (REDIS_IAM_USER: its user id, which for IAM users equals
         * its name). Set = IAM authentication: each new connection sends {@code AUTH user token}; REDIS_URL must
         * then be rediss:// without credentials, and the cache name is required.
         */
        Optional<String> iamUser();

        /** The serverless cache's name, or the replication group id (REDIS_IAM_CACHE_NAME); signed into the token. */
        Optional<String> iamCacheName();

        /** The cache is ElastiCache Serverless (REDIS_IAM_SERVERLESS); false for a replication group. */
        @WithDefault("true")
        boolean iamServerless();
    }

    interface Dynamodb {
        /** Override endpoint, e.g. DynamoDB Local (DYNAMODB_ENDPOINT); empty = the AWS regional endpoint. */
        Optional<String> endpoint();

        @WithDefault("us-east-1")
        @NotBlank
        String region();

        @NotBlank
        String idempotencyTable();

        @WithDefault("1s")
        Duration connectTimeout();

        @WithDefault("2s")
        Duration apiCallTimeout();
    }

    interface Http {
        /** An origin secret is a shared password between CloudFront and the functions: long enough not to be guessed. */
        int MIN_ORIGIN_SECRET_LENGTH = 32;

        /** Exact origins that may call the API from a browser (PADDOCK_CORS_ORIGINS, comma-separated). */
        Optional<List<String>> corsOrigins();

        @WithDefault("600")
        @Min(0) @Max(86400)
        int corsMaxAgeSeconds();

        /**
         * How many proxies in front of the API append to X-Forwarded-For and are trusted (CloudFront = 1).
         * The client is the entry that many hops from the right; 0 = ignore the header, use the source IP.
         */
        @WithDefault("0")
        @Min(0) @Max(5)
        int trustedForwardedHops();

        /**
         * Requests with a larger body get 413 before any JSON parsing: a Content-Length at once, a chunked
         * body as soon as the bytes received pass it.
         */
        @WithDefault("262144")
        @Min(1024) @Max(10485760)
        int maxBodyBytes();

        /**
         * The values CloudFront sends in {@code X-Origin-Verify} (PADDOCK_HTTP_ORIGIN_SECRETS, comma-separated):
         * the first is current, the others are still accepted while a rotation is under way. Each may be a
         * Secrets Manager ARN. Set = every request without a matching header is refused with 403; empty = no lock.
         */
        Optional<List<String>> originSecrets();
    }

    interface Auth {
        @WithDefault("https://api.paddock.dev")
        @NotBlank
        String issuer();

        @WithDefault("paddock-api")
        @NotBlank
        String audience();

        @WithDefault("15m")
        Duration accessTokenTtl();

        /** Allowed clock difference for exp and nbf (RFC 7519 leeway); at most a minute. */
        @WithDefault("60s")
        Duration clockSkew();

        /**
         * How old a sign-in ({@code auth_time}) may be on a route that needs a recent one (PADDOCK_AUTH_RECENT_SIGN_IN;
         * {@code RecentSignIn}: account deletion). Longer than an access token's life makes no sense, a few seconds
         * would leave no time to confirm: 30 s to 1 h ({@code ConfigCheck}; a constraint annotation here would make
         * the config package depend on validation, which depends on it through http).
         */
        @WithDefault("5m")
        Duration recentSignIn();

        /**
         * JWK set with private RSA keys (PADDOCK_AUTH_SIGNING_KEYS): the first signs, the others only
         * verify, so a key can rotate without logging anyone out. Only the auth function needs it.
         */
        Optional<String> signingKeys();

        /** JWK set with public keys only (PADDOCK_AUTH_VERIFICATION_KEYS), for functions that only verify. */
        Optional<String> verificationKeys();
    }

    /** Lambda SnapStart: what the runtime hooks of {@code snapshot.SnapshotHooks} do besides dropping state. */
    interface Snapshot {
        /**
         * Drive the function's priming requests through it before the snapshot is taken (PADDOCK_SNAPSHOT_PRIME),
         * so the classes and compiled code of its hot paths are in the snapshot. Only SnapStart's checkpoint
         * runs it, so on by default means on in Lambda.
         */
        @WithDefault("true")
        boolean prime();

        /**
         * Run the same priming at the end of init, on any JVM (PADDOCK_SNAPSHOT_PRIME_AT_INIT): how a local
         * harness measures what priming saves. Needs the Lambda entry point {@code snapshot.LambdaEntryPoint}.
         */
        @WithDefault("false")
        boolean primeAtInit();
    }
}
