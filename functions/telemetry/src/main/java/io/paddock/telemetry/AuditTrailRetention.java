package io.paddock.telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * The audit trail's part of the daily maintenance: rows older than PADDOCK_AUDIT_RETENTION_DAYS (default 400) go.
 * The application role may not delete from audit_events at all (migration V15), so the prune is
 * {@code prune_audit_events()}, which runs as the table's owner and refuses fewer than 90 days: whoever holds the
 * role can age rows out, never erase recent ones. One DELETE through the (at, id) index; the trail is small enough
 * that a day's worth of rows is quick to go (V15 says why it is not partitioned).
 */
final class AuditTrailRetention {

    static final String ENV = "PADDOCK_AUDIT_RETENTION_DAYS";
    static final int DEFAULT_DAYS = 400;
    static final int MIN_DAYS = 90;
    static final int MAX_DAYS = 3650;
    static final String PRUNE = "SELECT prune_audit_events(?)";

    private AuditTrailRetention() {
    }

    static int days(Map<String, String> env) {
        String days = env.getOrDefault(ENV, Integer.toString(DEFAULT_DAYS));
        int value;
        try {
            value = Integer.parseInt(days.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENV + " must be a whole number of days, got " + days);
        }
        if (value < MIN_DAYS || value > MAX_DAYS) {
            throw new IllegalArgumentException(ENV + " must be " + MIN_DAYS + ".." + MAX_DAYS + ", got " + days);
        }
        return value;
    }

    /** Deletes the rows older than {@code days} in a transaction of its own; returns how many. */
    static long prune(Connection connection, int days) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (PreparedStatement prune = connection.prepareStatement(PRUNE)) {
            prune.setInt(1, days);
            try (ResultSet rs = prune.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
