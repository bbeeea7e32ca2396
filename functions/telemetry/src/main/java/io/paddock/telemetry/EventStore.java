package io.paddock.telemetry;

import io.paddock.shared.db.Database;
import io.paddock.shared.http.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import java.util.UUID;

/**
 * usage_events, always through the row-level-security role: each transaction switches to
 * {@code paddock_app} and names its caller with transaction-scoped settings ({@code set_config(..., true)}),
 * so RLS binds even when the login is the table owner, and nothing leaks to the next request on a
 * pooled (RDS Proxy) connection.
 */
@ApplicationScoped
public class EventStore {

    /** Who writes or reads: a user (from the token) or an anonymous installation id. */
    public record Actor(UUID userId, String anonymousId, boolean admin) {
    }

    static final String ACT_AS = "SELECT set_config('role', 'paddock_app', true), "
            + "set_config('app.user_id', ?, true), set_config('app.anonymous_id', ?, true), set_config('app.role', ?, true)";
    /**
     * The whole batch in one statement of fixed text (the values travel as one array per column, so a
     * 100-event batch is no longer a 100-row statement). It first claims each (sender, eventId) in
     * usage_event_ids, then stores the events whose claim was new: one row per sender and eventId,
     * whatever occurredAt says, in the same transaction — a rolled-back batch claims nothing. The same
     * eventId twice in one batch is claimed once and stored once (the first). ON CONFLICT on usage_events
     * is still there for the old unique key (actor, event_id, occurred_at): events stored before ids were
     * claimed.
     */
    static final String INSERT = """
            WITH batch AS (
              SELECT ?::uuid AS user_id, b.* FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                  ?::text[], ?::timestamptz[], ?::jsonb[], ?::boolean[])
                WITH ORDINALITY AS b (event_id, anonymous_id, type, item_id, surface, lane, feed_request_id, occurred_at,
                  meta, served, position)
            ), claimed AS (
              INSERT INTO usage_event_ids (actor, event_id)
              SELECT coalesce(user_id::text, 'anon:' || anonymous_id), event_id FROM batch
              ON CONFLICT DO NOTHING
              RETURNING actor, event_id
            )
            INSERT INTO usage_events (event_id, user_id, anonymous_id, type, item_id, surface, lane, feed_request_id,
                occurred_at, meta, served)
            SELECT DISTINCT ON (c.actor, c.event_id) b.event_id, b.user_id, b.anonymous_id, b.type, b.item_id, b.surface,
                b.lane, b.feed_request_id, b.occurred_at, b.meta, b.served
            FROM batch b JOIN claimed c ON c.event_id = b.event_id AND c.actor = coalesce(b.user_id::text, 'anon:' || b.anonymous_id)
            ORDER BY c.actor, c.event_id, b.position
            ON CONFLICT DO NOTHING
            """;

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
        if (events.isEmpty()) {
            return 0;
        }
        int n = events.size();
        UUID[] ids = new UUID[n];
        String[] anonymousIds = new String[n];
        String[] types = new String[n];
        String[] itemIds = new String[n];
        String[] surfaces = new String[n];
        String[] lanes = new String[n];
        String[] feedRequestIds = new String[n];
        String[] occurredAts = new String[n];
        String[] metas = new String[n];
        Boolean[] served = new Boolean[n];
        for (int i = 0; i < n; i++) {
            UsageEvent e = events.get(i);
            ids[i] = e.eventId();
            anonymousIds[i] = actor.userId() == null ? e.anonymousId() : null;
            types[i] = e.type();
            itemIds[i] = e.itemId();
            surfaces[i] = e.surface();
            lanes[i] = e.lane();
            feedRequestIds[i] = e.feedRequestId();
            occurredAts[i] = e.occurredAt().toString();
            metas[i] = e.meta().toString();
            served[i] = e.served();
        }
        actAs(connection, actor);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, actor.userId(), Types.OTHER);
            insert.setArray(2, connection.createArrayOf("uuid", ids));
            insert.setArray(3, connection.createArrayOf("text", anonymousIds));
            insert.setArray(4, connection.createArrayOf("text", types));
            insert.setArray(5, connection.createArrayOf("text", itemIds));
            insert.setArray(6, connection.createArrayOf("text", surfaces));
            insert.setArray(7, connection.createArrayOf("text", lanes));
            insert.setArray(8, connection.createArrayOf("text", feedRequestIds));
            insert.setArray(9, connection.createArrayOf("text", occurredAts));
            insert.setArray(10, connection.createArrayOf("text", metas));
            insert.setArray(11, connection.createArrayOf("bool", served));
            return insert.executeUpdate();
        }
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
        try (PreparedStatement settings = connection.prepareStatement(ACT_AS)) {
            settings.setString(1, actor.userId() == null ? "" : actor.userId().toString());
            settings.setString(2, actor.anonymousId() == null ? "" : actor.anonymousId());
            settings.setString(3, actor.admin() ? "admin" : "user");
            settings.execute();
        }
    }
}
