package io.paddock.shared.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

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
