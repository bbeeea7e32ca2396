package io.paddock.telemetry;

import io.paddock.shared.db.Database;
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
    static final String INSERT_HEAD = "INSERT INTO usage_events (event_id, user_id, anonymous_id, type, item_id, surface, "
            + "lane, feed_request_id, occurred_at, meta) VALUES ";
    static final String INSERT_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)";
    // Retries resend the same (eventId, occurredAt): the unique key makes them no-ops, counted as duplicates.
    static final String INSERT_TAIL = " ON CONFLICT DO NOTHING";

    private final Database database;

    public EventStore(Database database) {
        this.database = database;
    }

    /** One round trip for the whole batch; returns how many were new. */
    public int insert(Actor actor, List<UsageEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        String sql = INSERT_HEAD + String.join(", ", java.util.Collections.nCopies(events.size(), INSERT_ROW)) + INSERT_TAIL;
        return database.inTransaction(connection -> {
            actAs(connection, actor);
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                int i = 1;
                for (UsageEvent e : events) {
                    insert.setObject(i++, e.eventId());
                    insert.setObject(i++, actor.userId(), Types.OTHER);
                    insert.setString(i++, actor.userId() == null ? e.anonymousId() : null);
                    insert.setString(i++, e.type());
                    insert.setString(i++, e.itemId());
                    insert.setString(i++, e.surface());
                    insert.setString(i++, e.lane());
                    insert.setString(i++, e.feedRequestId());
                    insert.setTimestamp(i++, Timestamp.from(e.occurredAt()));
                    insert.setString(i++, e.meta().toString());
                }
                return insert.executeUpdate();
            }
        });
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
