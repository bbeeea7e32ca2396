package io.paddock.telemetry;

import io.paddock.shared.db.Database;
import io.paddock.shared.http.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Admin analytics over usage_events; each answer is one query on an index made for it (V5). */
@ApplicationScoped
public class Analytics {

    /** {@code impressions}: served ones only; {@code clicks}: by senders with such an impression of the item. */
    public record ItemCtr(String itemId, long impressions, long clicks, @Schema(nullable = true) Double ctr) {
    }

    public record CtrReport(String from, String to, List<ItemCtr> items) {
    }

    /** {@code medianDwellMs}: median time from a dwell_start to the dwell_end that follows it (same sender and item); null without pairs. */
    public record Funnel(@Schema(nullable = true, description = "The ?surface asked for; null for all") String surface, String from, String to, long impressions, long opens, long likes, long saves,
            long shares, @Schema(nullable = true) Double medianDwellMs) {
    }

    /*
     * CTR counts what was actually shown: impressions whose feedRequestId names a feed response served to
     * their sender (served = true, decided at ingestion), and the clicks of senders who have such an
     * impression of the item in the range. Clicks need no feedRequestId of their own (clients need not tag
     * them), but a click with no served impression behind it — made up, or after a feed response nobody
     * can vouch for — is outside the ratio, as its impression is: CTR = clicks / impressions of the same
     * population. Each side is one walk of the (item_id, type, occurred_at) index.
     */
    static final String ITEM_CTR = """
            WITH shown AS (
              SELECT actor, count(*) AS impressions FROM usage_events
              WHERE item_id = ? AND type = 'impression' AND served AND occurred_at >= ? AND occurred_at < ?
              GROUP BY actor
            )
            SELECT coalesce((SELECT sum(impressions) FROM shown), 0),
                   (SELECT count(*) FROM usage_events
                    WHERE item_id = ? AND type = 'click' AND occurred_at >= ? AND occurred_at < ?
                      AND actor IN (SELECT actor FROM shown))
            """;
    static final String TOP_ITEMS = """
            WITH shown AS (
              SELECT item_id, actor, count(*) AS impressions FROM usage_events
              WHERE item_id IS NOT NULL AND type = 'impression' AND served AND occurred_at >= ? AND occurred_at < ?
              GROUP BY item_id, actor
            ), clicked AS (
              SELECT item_id, actor, count(*) AS clicks FROM usage_events
              WHERE item_id IS NOT NULL AND type = 'click' AND occurred_at >= ? AND occurred_at < ?
              GROUP BY item_id, actor
            )
            SELECT s.item_id, sum(s.impressions) AS impressions, coalesce(sum(c.clicks), 0) AS clicks
            FROM shown s LEFT JOIN clicked c ON c.item_id = s.item_id AND c.actor = s.actor
            GROUP BY s.item_id ORDER BY clicks DESC, impressions DESC, s.item_id LIMIT ?
            """;
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
                    for (int side = 0; side < 2; side++) {
                        s.setString(1 + 3 * side, itemId);
                        s.setTimestamp(2 + 3 * side, Timestamp.from(from));
                        s.setTimestamp(3 + 3 * side, Timestamp.from(to));
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        items.add(item(itemId, rs.getLong(1), rs.getLong(2)));
                    }
                }
            } else {
                try (PreparedStatement s = connection.prepareStatement(TOP_ITEMS)) {
                    for (int side = 0; side < 2; side++) {
                        s.setTimestamp(1 + 2 * side, Timestamp.from(from));
                        s.setTimestamp(2 + 2 * side, Timestamp.from(to));
                    }
                    s.setInt(5, top);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            items.add(item(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                        }
                    }
                }
            }
            return new CtrReport(Timestamps.format(from), Timestamps.format(to), items);
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
                    return new Funnel(surface, Timestamps.format(from), Timestamps.format(to), rs.getLong(1), rs.getLong(2),
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
