package io.paddock.shared.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The one writer of usage_events (V5, V9, V11) and the one spelling of its row-level-security identity.
 * Telemetry stores what clients report through it; the feed stores its action events (like, save, hide,
 * report) through it too, in the action's own transaction, so both follow the same rules: one stored
 * event per (sender, eventId), under the same policies. It needs a connection whose transaction the
 * caller owns; the settings it makes end with that transaction.
 *
 * <p>Depends on {@code java.sql} only, so any function can use it without importing another function.
 */
public final class UsageEventRows {

    /** Who writes or reads: a user (from the token) or an anonymous installation id. */
    public record Sender(UUID userId, String anonymousId, boolean admin) {
    }

    /**
     * One event as stored. {@code anonymousId} is taken only when the sender is anonymous; {@code lane},
     * {@code feedRequestId}, {@code metaJson} (a JSON object) and {@code served} may be null.
     */
    public record Row(UUID eventId, String anonymousId, String type, String itemId, String surface, String lane,
            String feedRequestId, Instant occurredAt, String metaJson, Boolean served) {
    }

    /**
     * Switches to {@code paddock_app} so RLS binds even when the login owns the table, and names the
     * caller with transaction-scoped settings ({@code set_config(..., true)}), so nothing leaks to the
     * next request on a pooled (RDS Proxy) connection and nothing pins it.
     */
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

    private UsageEventRows() {
    }

    /** Acts as {@code sender} for the rest of the connection's transaction (reads and writes of usage_events). */
    public static void actAs(Connection connection, Sender sender) throws SQLException {
        try (PreparedStatement settings = connection.prepareStatement(ACT_AS)) {
            settings.setString(1, sender.userId() == null ? "" : sender.userId().toString());
            settings.setString(2, sender.anonymousId() == null ? "" : sender.anonymousId());
            settings.setString(3, sender.admin() ? "admin" : "user");
            settings.execute();
        }
    }

    /**
     * Acts as {@code sender} and stores {@code rows} in one round trip; returns how many were new (stored),
     * the rest were duplicates.
     */
    public static int insert(Connection connection, Sender sender, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        int n = rows.size();
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
            Row r = rows.get(i);
            ids[i] = r.eventId();
            anonymousIds[i] = sender.userId() == null ? r.anonymousId() : null;
            types[i] = r.type();
            itemIds[i] = r.itemId();
            surfaces[i] = r.surface();
            lanes[i] = r.lane();
            feedRequestIds[i] = r.feedRequestId();
            occurredAts[i] = r.occurredAt().toString();
            metas[i] = r.metaJson();
            served[i] = r.served();
        }
        actAs(connection, sender);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, sender.userId(), Types.OTHER);
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
}
