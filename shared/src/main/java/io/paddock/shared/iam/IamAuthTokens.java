package io.paddock.shared.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * The password of a store that signs in AWS IAM principals: RDS Proxy for PostgreSQL
 * ({@link #rdsProxy}) and ElastiCache for Valkey/Redis ({@link #elastiCache}).
 *
 * <p>How it works: the token is an AWS Signature V4 presigned {@code GET} of the store's "connect" action,
 * with the scheme cut off — {@code host:port/?Action=connect&DBUser=…&X-Amz-Algorithm=…&X-Amz-Expires=900…}
 * for RDS (the format of the SDK's {@code RdsUtilities.generateAuthenticationToken}),
 * {@code cache-name/?Action=connect&User=…[&ResourceType=ServerlessCache]&X-Amz-…} for ElastiCache (the
 * format of AWS' "Authenticating with IAM" guide). The store verifies the signature with IAM and checks the
 * action against the signer's policy ({@code rds-db:connect}, {@code elasticache:Connect}). Making one is
 * local HMAC work with the function's credentials: nothing is sent anywhere.
 *
 * <p>Why it is cached: a token is valid for 15 minutes after signing and is only looked at while a
 * connection signs in, so one token serves every connection opened in the next {@link #REFRESH_AFTER}
 * (10 minutes); the first caller after that signs a new one. A token handed out therefore has at least
 * 5 minutes left for the handshake it is used in. The SDK's {@code RdsUtilities} is not used (IamAuthTokensTest
 * holds the two tokens equal): it takes no
 * clock (so tests could not pin a token), and its module is the whole RDS API client.
 *
 * <p>Hazards: a token dies with the temporary credentials that signed it, so a token is also re-signed as
 * soon as the credentials provider hands out different credentials (role credentials rotate hours apart;
 * the provider renews them before they expire). Resolving credentials is usually a read of what the
 * provider already holds, but when they are due for renewal it is a call to the Lambda credentials
 * endpoint, made on the thread that asked for the token — for Redis that is an event-loop thread. A clock
 * that jumps backwards makes the cached token look young: it is re-signed then too. Tokens are secrets:
 * {@link #toString()} never shows one and nothing here logs one.
 */
public final class IamAuthTokens {

    /** How long AWS accepts a connect token after signing (RDS and ElastiCache alike: 900 s). */
    public static final Duration LIFETIME = Duration.ofMinutes(15);
    /** A cached token older than this is re-signed before it is handed out. */
    public static final Duration REFRESH_AFTER = Duration.ofMinutes(10);

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final SdkHttpRequest connect;
    private final String signingName;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private final String description;

    /** Guarded by {@code this}. */
    private Token cached;

    private record Token(String value, Instant signedAt, AwsCredentials signedWith) {
    }

    private IamAuthTokens(SdkHttpRequest connect, String signingName, String region,
            AwsCredentialsProvider credentials, Clock clock, String description) {
        this.connect = connect;
        this.signingName = signingName;
        this.region = requireText(region, "region");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.description = description;
    }

    /** Tokens for RDS Proxy (or an RDS instance) at {@code host:port}, database user {@code user}. */
    public static IamAuthTokens rdsProxy(String host, int port, String user, String region,
            AwsCredentialsProvider credentials, Clock clock) {
        SdkHttpRequest connect = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host(requireText(host, "host"))
                .port(port)
                .encodedPath("/")
                .putRawQueryParameter("Action", "connect")
                .putRawQueryParameter("DBUser", requireText(user, "user"))
                .build();
        return new IamAuthTokens(connect, "rds-db", region, credentials, clock,
                "RDS IAM token for " + user + "@" + host + ":" + port);
    }

    /** As {@link #rdsProxy(String, int, String, String, AwsCredentialsProvider, Clock)} with the function's role and the system clock. */
    public static IamAuthTokens rdsProxy(String host, int port, String user, String region) {
        return rdsProxy(host, port, user, region, DefaultCredentialsProvider.builder().build(), Clock.systemUTC());
    }

    /**
     * Tokens for ElastiCache user {@code userId} (its id, which for IAM users must equal its name) on the
     * cache {@code cacheName} (a serverless cache's name, or a replication group's id).
     */
    public static IamAuthTokens elastiCache(String cacheName, String userId, boolean serverless, String region,
            AwsCredentialsProvider credentials, Clock clock) {
        SdkHttpRequest.Builder connect = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("http")
                .host(requireText(cacheName, "cache name"))
                .encodedPath("/")
                .putRawQueryParameter("Action", "connect")
                .putRawQueryParameter("User", requireText(userId, "user id"));
        if (serverless) {
            connect.putRawQueryParameter("ResourceType", "ServerlessCache");
        }
        return new IamAuthTokens(connect.build(), "elasticache", region, credentials, clock,
                "ElastiCache IAM token for " + userId + "@" + cacheName);
    }

    /** As {@link #elastiCache(String, String, boolean, String, AwsCredentialsProvider, Clock)} with the function's role and the system clock. */
    public static IamAuthTokens elastiCache(String cacheName, String userId, boolean serverless, String region) {
        return elastiCache(cacheName, userId, serverless, region, DefaultCredentialsProvider.builder().build(),
                Clock.systemUTC());
    }

    /**
     * A token with at least {@code LIFETIME - REFRESH_AFTER} left: the cached one while it is young enough
     * and was signed with the current credentials, else a new one.
     *
     * @throws Unavailable when no credentials can be resolved (the message names the store, never a secret)
     */
    public synchronized String current() {
        AwsCredentials now;
        try {
            now = credentials.resolveCredentials();
        } catch (SdkException | IllegalStateException e) {
            throw new Unavailable("cannot sign the " + description + ": no AWS credentials (" + e.getMessage() + ")", e);
        }
        Instant at = clock.instant();
        Token token = cached;
        if (token != null && now.equals(token.signedWith()) && !at.isBefore(token.signedAt())
                && Duration.between(token.signedAt(), at).compareTo(REFRESH_AFTER) < 0) {
            return token.value();
        }
        token = new Token(sign(now, at), at, now);
        cached = token;
        return token.value();
    }

    /**
     * Drops the cached token, so the next connection signs a new one with credentials resolved afresh. Run
     * after a SnapStart restore: {@link #current()} already re-signs a token the wall clock says is old (or
     * that appears to come from the future), but a copy restored soon after its snapshot would otherwise
     * still present a token signed with the credentials of the snapshot's execution environment.
     */
    public synchronized void forget() {
        cached = null;
    }

    private String sign(AwsCredentials with, Instant at) {
        SdkHttpRequest signed = SIGNER.sign(r -> r
                .identity(with)
                .request(connect)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, LIFETIME)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
                .request();
        String url = signed.getUri().toString();
        String scheme = connect.protocol() + "://";
        // Both stores take the presigned URL without its scheme.
        return url.startsWith(scheme) ? url.substring(scheme.length()) : url;
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an IAM auth token needs a " + what);
        }
        return value;
    }

    @Override
    public String toString() {
        return description;
    }

    /** No credentials to sign with: to the caller, the store cannot be reached. */
    public static final class Unavailable extends IllegalStateException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
