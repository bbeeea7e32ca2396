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
 * partitions are dropped (cheap), and the boundary month is pruned row by row. The claimed event ids
 * (usage_event_ids) are pruned too, but later: see {@link #idRetention}.
 */
public final class UsageEventMaintenance {

    public record Report(List<String> partitionsCreated, List<String> partitionsDropped, int rowsPruned, Instant cutoff,
            int idsPruned, Instant idCutoff) {
    }

    /** Slack for the daily schedule's drift and for the database's clock (received_at) against the function's. */
    static final Duration ID_MARGIN = Duration.ofDays(1);

    static final String ENSURE_PARTITIONS = "SELECT ensure_usage_event_partitions(2, 1)";
    static final String DROP_OLD_PARTITIONS = "SELECT drop_usage_event_partitions_before(?)";
    /** Deleting is an admin act under row-level security; the setting lasts for this transaction only. */
    static final String ACT_AS_ADMIN = "SELECT set_config('app.role', 'admin', true)";
    static final String PRUNE_ROWS = "DELETE FROM usage_events WHERE occurred_at < ?";
    static final String PRUNE_IDS = "DELETE FROM usage_event_ids WHERE received_at < ?";

    private final Clock clock;
    private final Duration retention;

    public UsageEventMaintenance(Clock clock, Duration retention) {
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * How long a claimed event id is kept, so that it outlives every stored event carrying it and catches
     * every resend the API would still accept. A stored event's occurredAt is within the retention, and
     * its id was received at most {@link EventIngestion#MAX_AHEAD} before its occurredAt (clients may
     * date events that far ahead); a resend is accepted only while occurredAt is within
     * {@link EventIngestion#MAX_LATE}, that is at most MAX_LATE + MAX_AHEAD after the first receipt. So:
     * the longer of the retention and MAX_LATE, plus MAX_AHEAD, plus {@link #ID_MARGIN} (32 days by default).
     */
    static Duration idRetention(Duration retention) {
        Duration window = retention.compareTo(EventIngestion.MAX_LATE) > 0 ? retention : EventIngestion.MAX_LATE;
        return window.plus(EventIngestion.MAX_AHEAD).plus(ID_MARGIN);
    }

    public Report run(Connection connection) throws SQLException {
        Instant cutoff = clock.instant().minus(retention);
        Instant idCutoff = clock.instant().minus(idRetention(retention));
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            List<String> created = names(connection, ENSURE_PARTITIONS, null);
            List<String> dropped = names(connection, DROP_OLD_PARTITIONS, cutoff);
            int pruned;
            int idsPruned;
            try (PreparedStatement admin = connection.prepareStatement(ACT_AS_ADMIN);
                    PreparedStatement prune = connection.prepareStatement(PRUNE_ROWS);
                    PreparedStatement pruneIds = connection.prepareStatement(PRUNE_IDS)) {
                admin.execute();
                prune.setTimestamp(1, Timestamp.from(cutoff));
                pruned = prune.executeUpdate();
                pruneIds.setTimestamp(1, Timestamp.from(idCutoff));
                idsPruned = pruneIds.executeUpdate();
            }
            connection.commit();
            return new Report(created, dropped, pruned, cutoff, idsPruned, idCutoff);
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
