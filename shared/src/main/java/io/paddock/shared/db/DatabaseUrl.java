package io.paddock.shared.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * A PostgreSQL location as operators write it (postgres://user:pass@host:5432/db?sslmode=require) or as
 * JDBC wants it (jdbc:postgresql://host:5432/db), turned into the JDBC URL plus credentials. The one
 * parser of DATABASE_URL: the functions and {@code ./paddock migrate} (infra/db) both use it.
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> username, Optional<String> password) {

    /** @throws IllegalArgumentException saying what is wrong, never echoing the password */
    public static DatabaseUrl parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String value = raw.strip();
        if (value.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(value, Optional.empty(), Optional.empty());
        }
        String rest;
        if (value.startsWith("postgres://")) {
            rest = value.substring("postgres://".length());
        } else if (value.startsWith("postgresql://")) {
            rest = value.substring("postgresql://".length());
        } else {
            throw new IllegalArgumentException("must start with postgres://, postgresql:// or jdbc:postgresql://");
        }
        int query = rest.indexOf('?');
        String head = query < 0 ? rest : rest.substring(0, query);
        String tail = query < 0 ? "" : rest.substring(query);
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        // The last '@' ends the user info: an unencoded '@' in a password still parses.
        int at = head.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = head.substring(0, at);
            head = head.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon))).filter(s -> !s.isEmpty());
            password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
        }
        int slash = head.indexOf('/');
        String hostPort = slash < 0 ? head : head.substring(0, slash);
        String database = slash < 0 ? "" : head.substring(slash + 1);
        if (hostPort.isEmpty() || hostPort.startsWith(":")) {
            throw new IllegalArgumentException("has no host");
        }
        if (database.isEmpty()) {
            throw new IllegalArgumentException("names no database (postgres://host:5432/DBNAME)");
        }
        return new DatabaseUrl("jdbc:postgresql://" + hostPort + "/" + database + tail, user, password);
    }

    /** The one server a URL names (an IAM token is signed for exactly one host and port). */
    public record Endpoint(String host, int port) {
    }

    /** @throws IllegalArgumentException when the URL lists several hosts */
    public Endpoint endpoint() {
        String rest = jdbcUrl.substring("jdbc:postgresql:".length());
        if (!rest.startsWith("//")) {
            return new Endpoint("localhost", 5432); // jdbc:postgresql:dbname
        }
        String authority = rest.substring(2);
        int end = authority.indexOf('/');
        authority = end < 0 ? authority : authority.substring(0, end);
        if (authority.contains(",")) {
            throw new IllegalArgumentException("names several hosts; IAM authentication signs for one (the proxy endpoint)");
        }
        String host;
        String port = "";
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            host = authority.substring(1, close);
            port = authority.substring(close + 1).replaceFirst("^:", "");
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? "" : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("has no host");
        }
        try {
            return new Endpoint(host, port.isEmpty() ? 5432 : Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has a port that is not a number");
        }
    }

    /** The value of a driver setting in the URL's query, e.g. {@code sslmode}. */
    public Optional<String> setting(String name) {
        int query = jdbcUrl.indexOf('?');
        if (query < 0) {
            return Optional.empty();
        }
        for (String pair : jdbcUrl.substring(query + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return Optional.of(decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    /**
     * This URL with TLS made mandatory, as IAM authentication needs (the token is a bearer secret for
     * 15 minutes). {@code sslmode=require} is added when the URL sets no mode; {@code verify-ca} and
     * {@code verify-full} are kept, as is {@code ssl=true} without a mode (the driver reads it as
     * verify-full).
     *
     * @throws IllegalArgumentException for a mode that may send the token in clear (disable, allow, prefer)
     */
    public DatabaseUrl withTlsRequired() {
        Optional<String> mode = setting("sslmode");
        if (mode.isPresent()) {
            return switch (mode.get()) {
                case "require", "verify-ca", "verify-full" -> this;
                default -> throw new IllegalArgumentException("says sslmode=" + mode.get()
                        + ", but IAM authentication sends its token only over TLS: use sslmode=require or verify-full");
            };
        }
        if (setting("ssl").filter("true"::equalsIgnoreCase).isPresent()) {
            return this;
        }
        return new DatabaseUrl(jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "sslmode=require", username, password);
    }

    /** The same location signed in as {@code user} with {@code password} (null: none, the driver's default). */
    public DatabaseUrl withCredentials(String user, String password) {
        return new DatabaseUrl(jdbcUrl, Optional.ofNullable(user), Optional.ofNullable(password));
    }

    /**
     * A plain JDBC connection (no pool) with this URL's credentials. {@code settings} are driver defaults
     * ({@code connectTimeout}, {@code ApplicationName}, ...): a parameter the URL itself names wins, as pgjdbc
     * reads URL parameters over properties.
     */
    public Connection connect(Properties settings) throws SQLException {
        Properties props = new Properties();
        props.putAll(settings);
        username.ifPresent(user -> props.setProperty("user", user));
        password.ifPresent(secret -> props.setProperty("password", secret));
        return DriverManager.getConnection(jdbcUrl, props);
    }

    private static String decode(String s) {
        // '+' is a literal in URL user info, not a space as in form encoding.
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + ", user=" + username.orElse("") + "]";
    }
}
