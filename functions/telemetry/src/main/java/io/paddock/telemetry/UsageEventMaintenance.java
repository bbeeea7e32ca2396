package io.paddock.telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The daily upkeep of usage_events: monthly partitions exist ahead of time (current month, the two
 * next, and the previous one for late events), and nothing older than the retention stays — whole
 * partitions are dropped (cheap), and the boundary month is pruned row by row.
 */
public final class UsageEventMaintenance {

    public record Report(List<String> partitionsCreated, List<String> partitionsDropped, int rowsPruned, Instant cutoff) {
    }

    static final String ENSURE_PARTITIONS = "SELECT ensure_usage_event_partitions(2, 1)";
    static final String DROP_OLD_PARTITIONS = "SELECT drop_usage_event_partitions_before(?)";
    /** Deleting is an admin act under row-level security; the setting lasts for this transaction only. */
    static final String ACT_AS_ADMIN = "SELECT set_config('app.role', 'admin', true)";
    static final String PRUNE_ROWS = "DELETE FROM usage_events WHERE occurred_at < ?";

    private final Clock clock;
    private final Duration retention;

    public UsageEventMaintenance(Clock clock, Duration retention) {
        this.clock = clock;
        this.retention = retention;
    }

    public Report run(Connection connection) throws SQLException {
        Instant cutoff = clock.instant().minus(retention);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            List<String> created = names(connection, ENSURE_PARTITIONS, null);
            List<String> dropped = names(connection, DROP_OLD_PARTITIONS, cutoff);
            int pruned;
            try (PreparedStatement admin = connection.prepareStatement(ACT_AS_ADMIN);
                    PreparedStatement prune = connection.prepareStatement(PRUNE_ROWS)) {
                admin.execute();
                prune.setTimestamp(1, Timestamp.from(cutoff));
                pruned = prune.executeUpdate();
            }
            connection.commit();
            return new Report(created, dropped, pruned, cutoff);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static List<String> names(Connection connection, String sql, Instant cutoff) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (cutoff != null) {
                statement.setTimestamp(1, Timestamp.from(cutoff));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
