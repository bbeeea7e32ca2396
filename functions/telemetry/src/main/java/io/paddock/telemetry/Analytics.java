package io.paddock.telemetry;

import io.paddock.shared.db.Database;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Admin analytics over usage_events; each answer is one query on an index made for it (V5). */
@ApplicationScoped
public class Analytics {

    public record ItemCtr(String itemId, long impressions, long clicks, Double ctr) {
    }

    public record CtrReport(String from, String to, List<ItemCtr> items) {
    }

    /** {@code medianDwellMs}: median time from a dwell_start to the dwell_end that follows it (same sender and item); null without pairs. */
    public record Funnel(String surface, String from, String to, long impressions, long opens, long likes, long saves,
            long shares, Double medianDwellMs) {
    }

    // (item_id, type, occurred_at) index: one item's impressions and clicks in the range.
    static final String ITEM_CTR = "SELECT count(*) FILTER (WHERE type = 'impression'), count(*) FILTER (WHERE type = 'click') "
            + "FROM usage_events WHERE item_id = ? AND type IN ('impression', 'click') AND occurred_at >= ? AND occurred_at < ?";
    static final String TOP_ITEMS = "SELECT item_id, count(*) FILTER (WHERE type = 'impression') AS impressions, "
            + "count(*) FILTER (WHERE type = 'click') AS clicks FROM usage_events "
            + "WHERE item_id IS NOT NULL AND type IN ('impression', 'click') AND occurred_at >= ? AND occurred_at < ? "
            + "GROUP BY item_id ORDER BY clicks DESC, impressions DESC, item_id LIMIT ?";
    // (surface, lane, type, occurred_at) index when a surface is given.
    static final String FUNNEL = "SELECT count(*) FILTER (WHERE type = 'impression'), count(*) FILTER (WHERE type = 'open'), "
            + "count(*) FILTER (WHERE type = 'like'), count(*) FILTER (WHERE type = 'save'), count(*) FILTER (WHERE type = 'share') "
            + "FROM usage_events WHERE (?::text IS NULL OR surface = ?) "
            + "AND type IN ('impression', 'open', 'like', 'save', 'share') AND occurred_at >= ? AND occurred_at < ?";

    // Same index; each dwell_end is paired with the event just before it of the same sender and item, if that
    // is its dwell_start (an end without a start, or two starts in a row, pair with nothing).
    static final String MEDIAN_DWELL = "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM occurred_at - prev_at) * 1000) "
            + "FROM (SELECT type, occurred_at, lag(type) OVER w AS prev_type, lag(occurred_at) OVER w AS prev_at "
            + "FROM usage_events WHERE (?::text IS NULL OR surface = ?) AND type IN ('dwell_start', 'dwell_end') "
            + "AND occurred_at >= ? AND occurred_at < ? "
            + "WINDOW w AS (PARTITION BY actor, item_id ORDER BY occurred_at, event_id)) paired "
            + "WHERE type = 'dwell_end' AND prev_type = 'dwell_start'";

    private final Database database;

    public Analytics(Database database) {
        this.database = database;
    }

    public CtrReport ctr(UUID adminId, String itemId, Instant from, Instant to, int top) throws SQLException {
        return database.inTransaction(connection -> {
            EventStore.actAs(connection, new EventStore.Actor(adminId, null, true));
            List<ItemCtr> items = new ArrayList<>();
            if (itemId != null) {
                try (PreparedStatement s = connection.prepareStatement(ITEM_CTR)) {
                    s.setString(1, itemId);
                    s.setTimestamp(2, Timestamp.from(from));
                    s.setTimestamp(3, Timestamp.from(to));
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        items.add(item(itemId, rs.getLong(1), rs.getLong(2)));
                    }
                }
            } else {
                try (PreparedStatement s = connection.prepareStatement(TOP_ITEMS)) {
                    s.setTimestamp(1, Timestamp.from(from));
                    s.setTimestamp(2, Timestamp.from(to));
                    s.setInt(3, top);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            items.add(item(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                        }
                    }
                }
            }
            return new CtrReport(Times.format(from), Times.format(to), items);
        });
    }

    public Funnel funnel(UUID adminId, String surface, Instant from, Instant to) throws SQLException {
        return database.inTransaction(connection -> {
            EventStore.actAs(connection, new EventStore.Actor(adminId, null, true));
            try (PreparedStatement s = connection.prepareStatement(FUNNEL)) {
                s.setString(1, surface);
                s.setString(2, surface);
                s.setTimestamp(3, Timestamp.from(from));
                s.setTimestamp(4, Timestamp.from(to));
                Double dwell = medianDwell(connection, surface, from, to);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new Funnel(surface, Times.format(from), Times.format(to), rs.getLong(1), rs.getLong(2),
                            rs.getLong(3), rs.getLong(4), rs.getLong(5), dwell);
                }
            }
        });
    }

    private static Double medianDwell(java.sql.Connection connection, String surface, Instant from, Instant to)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(MEDIAN_DWELL)) {
            s.setString(1, surface);
            s.setString(2, surface);
            s.setTimestamp(3, Timestamp.from(from));
            s.setTimestamp(4, Timestamp.from(to));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                double median = rs.getDouble(1);
                return rs.wasNull() ? null : median;
            }
        }
    }

    private static ItemCtr item(String itemId, long impressions, long clicks) {
        return new ItemCtr(itemId, impressions, clicks, impressions == 0 ? null : (double) clicks / impressions);
    }
}
