package io.paddock.shared.db;

import io.paddock.shared.iam.IamAuthTokens;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One JDBC connection for the plain (non-Quarkus) handlers — the scheduled telemetry maintenance and the
 * edge block-list sync — read from the same variables as the functions' pool ({@link Database}):
 * {@code DATABASE_URL}, {@code DATABASE_USER}, {@code DATABASE_PASSWORD}, or with
 * {@code DATABASE_IAM_AUTH=true} an IAM token signed for {@code AWS_REGION} over TLS instead of a password.
 * Like the pool it keeps to what RDS Proxy multiplexes: no server-side prepared statements, no session SET.
 */
public final class DirectLogin {

    private final DatabaseUrl url;
    private final String user;
    private final String password;
    private final Optional<IamAuthTokens> tokens;

    private DirectLogin(DatabaseUrl url, String user, String password, Optional<IamAuthTokens> tokens) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.tokens = tokens;
    }

    /** @throws IllegalArgumentException naming the variable that is missing or wrong, never a password */
    public static DirectLogin fromEnvironment(Map<String, String> env) {
        DatabaseUrl url;
        try {
            url = DatabaseUrl.parse(env.get("DATABASE_URL"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DATABASE_URL " + e.getMessage(), e);
        }
        String user = text(env, "DATABASE_USER").or(url::username).orElse("postgres");
        Optional<String> password = text(env, "DATABASE_PASSWORD").or(url::password);
        if (!Boolean.parseBoolean(env.getOrDefault("DATABASE_IAM_AUTH", "false").strip())) {
            return new DirectLogin(url, user, password.orElse(""), Optional.empty());
        }
        if (password.isPresent()) {
            throw new IllegalArgumentException("DATABASE_IAM_AUTH signs in with IAM tokens: remove DATABASE_PASSWORD "
                    + "and any password in DATABASE_URL");
        }
        String region = text(env, "AWS_REGION").orElseThrow(() ->
                new IllegalArgumentException("DATABASE_IAM_AUTH needs AWS_REGION, the region to sign for"));
        DatabaseUrl tls;
        DatabaseUrl.Endpoint endpoint;
        try {
            tls = url.withTlsRequired();
            endpoint = url.endpoint();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DATABASE_URL " + e.getMessage(), e);
        }
        return new DirectLogin(tls, user, "",
                Optional.of(IamAuthTokens.rdsProxy(endpoint.host(), endpoint.port(), user, region)));
    }

    private static Optional<String> text(Map<String, String> env, String key) {
        return Optional.ofNullable(env.get(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** The JDBC URL it connects to (with {@code sslmode=require} added in IAM mode). */
    public String jdbcUrl() {
        return url.jdbcUrl();
    }

    public boolean usesIamTokens() {
        return tokens.isPresent();
    }

    /** A new connection; no query on it may run longer than {@code socketTimeout}. */
    public Connection open(Duration socketTimeout) throws SQLException {
        String secret;
        try {
            secret = tokens.map(IamAuthTokens::current).orElse(password);
        } catch (IamAuthTokens.Unavailable e) {
            throw new SQLException(e.getMessage(), "08001", e);
        }
        Properties props = new Properties();
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        // RDS Proxy multiplexes transactions: no server-side prepared statements across them, and startup
        // settings in the startup packet (a server version the driver need not probe) instead of a SET.
        props.setProperty("prepareThreshold", "0");
        props.setProperty("assumeMinServerVersion", "12");
        return url.withCredentials(user, secret).connect(props);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "DirectLogin[" + url.jdbcUrl() + ", user=" + user + (usesIamTokens() ? ", IAM token" : "") + "]";
    }
}
