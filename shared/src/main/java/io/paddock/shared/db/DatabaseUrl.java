package io.paddock.shared.db;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A PostgreSQL location as operators write it (postgres://user:pass@host:5432/db?sslmode=require) or as
 * JDBC wants it (jdbc:postgresql://host:5432/db), turned into the JDBC URL plus credentials.
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> username, Optional<String> password) {

    public static DatabaseUrl parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String value = raw.trim();
        if (value.startsWith("jdbc:postgresql://")) {
            hostPort(URI.create(value.substring("jdbc:".length())));
            return new DatabaseUrl(value, Optional.empty(), Optional.empty());
        }
        if (!value.startsWith("postgres://") && !value.startsWith("postgresql://")) {
            throw new IllegalArgumentException("must start with postgres://, postgresql:// or jdbc:postgresql://");
        }
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a valid URL");
        }
        String hostPort = hostPort(uri);
        String path = uri.getRawPath();
        if (path == null || path.length() <= 1) {
            throw new IllegalArgumentException("names no database (postgres://host:5432/DBNAME)");
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = Optional.of(decode(parts[0]));
            if (parts.length == 2) {
                password = Optional.of(decode(parts[1]));
            }
        }
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl("jdbc:postgresql://" + hostPort + path + query, user, password);
    }

    private static String hostPort(URI uri) {
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("has no host");
        }
        return uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
