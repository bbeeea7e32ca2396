package io.paddock.telemetry;

import io.paddock.shared.db.Database;
import io.paddock.shared.events.UsageEventRows;
import io.paddock.shared.http.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import java.util.UUID;

/**
 * usage_events, always through the row-level-security role: each transaction acts as its caller
 * ({@link UsageEventRows#actAs}), and batches are stored by the one writer of the table
 * ({@link UsageEventRows#insert}), which the feed's action events share.
 */
@ApplicationScoped
public class EventStore {

    /** Who writes or reads: a user (from the token) or an anonymous installation id. */
    public record Actor(UUID userId, String anonymousId, boolean admin) {

        UsageEventRows.Sender sender() {
            return new UsageEventRows.Sender(userId, anonymousId, admin);
        }
    }

    private final Database database;

    /**
     * PostgreSQL answered and refused these rows for what they hold (SQLState class 22, data exception:
     * NUL in text or jsonb, a value out of range; class 23, integrity: no partition for the row's month).
     * Sending the same rows again fails the same way, so such a batch is neither parked nor retried.
     * An outage is {@link Database#unavailable}; anything else (a deadlock, a missing privilege) is neither.
     */
    static boolean refusedForContent(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    public EventStore(Database database) {
        this.database = database;
    }

    /** One round trip for the whole batch; returns how many were new (stored), the rest were duplicates. */
    public int insert(Actor actor, List<UsageEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        return database.inTransaction(connection -> insert(connection, actor, events));
    }

    /** The batch insert on a connection the caller's transaction owns (the replay of parked batches uses it too). */
    static int insert(java.sql.Connection connection, Actor actor, List<UsageEvent> events) throws SQLException {
        List<UsageEventRows.Row> rows = events.stream().map(e -> new UsageEventRows.Row(e.eventId(), e.anonymousId(),
                e.type(), e.itemId(), e.surface(), e.lane(), e.feedRequestId(), e.occurredAt(), e.meta().toString(),
                e.served())).toList();
        return UsageEventRows.insert(connection, actor.sender(), rows);
    }

    /**
     * The caller's events, newest first. Row-level security decides whose rows are visible; the
     * user_id condition is there for the (user_id, occurred_at, event_id) index, not for safety.
     */
    static final String PAGE = "SELECT event_id, user_id, anonymous_id, type, item_id, surface, lane, feed_request_id, "
            + "occurred_at, received_at, meta::text FROM usage_events "
            + "WHERE user_id = ? AND (?::text IS NULL OR type = ?) "
            + "AND occurred_at >= coalesce(?::timestamptz, '-infinity') AND occurred_at < coalesce(?::timestamptz, 'infinity') "
            + "AND (?::timestamptz IS NULL OR (occurred_at, event_id) < (?::timestamptz, ?::uuid)) "
            + "ORDER BY occurred_at DESC, event_id DESC LIMIT ?";

    public record Query(UUID userId, String type, java.time.Instant from, java.time.Instant to,
            EventPage.Cursor after, int limit) {
    }

    public EventPage page(Actor actor, Query query) throws SQLException {
        return database.inTransaction(connection -> {
            actAs(connection, actor);
            List<EventPage.Item> items = new java.util.ArrayList<>();
            EventPage.Cursor last = null;
            try (PreparedStatement select = connection.prepareStatement(PAGE)) {
                select.setObject(1, query.userId());
                select.setString(2, query.type());
                select.setString(3, query.type());
                select.setTimestamp(4, query.from() == null ? null : Timestamp.from(query.from()));
                select.setTimestamp(5, query.to() == null ? null : Timestamp.from(query.to()));
                Timestamp afterAt = query.after() == null ? null : Timestamp.from(query.after().occurredAt());
                select.setTimestamp(6, afterAt);
                select.setTimestamp(7, afterAt);
                select.setObject(8, query.after() == null ? null : query.after().eventId(), Types.OTHER);
                select.setInt(9, query.limit() + 1);
                try (java.sql.ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        if (items.size() == query.limit()) {
                            return new EventPage(items, last.encode());
                        }
                        java.time.Instant occurred = rs.getTimestamp("occurred_at").toInstant();
                        UUID id = rs.getObject("event_id", UUID.class);
                        items.add(new EventPage.Item(id.toString(), str(rs.getObject("user_id")), rs.getString("anonymous_id"),
                                rs.getString("type"), rs.getString("item_id"), rs.getString("surface"), rs.getString("lane"),
                                rs.getString("feed_request_id"), Timestamps.format(occurred),
                                Timestamps.format(rs.getTimestamp("received_at").toInstant()), rs.getString("meta")));
                        last = new EventPage.Cursor(occurred, id);
                    }
                }
            }
            return new EventPage(items, null);
        });
    }

    private static String str(Object value) {
        return value == null ? null : value.toString();
    }

    static void actAs(java.sql.Connection connection, Actor actor) throws SQLException {
        UsageEventRows.actAs(connection, actor.sender());
    }
}
