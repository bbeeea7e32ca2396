package io.paddock.ratelimit;

import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.auth.ClientAddress;
import io.paddock.shared.db.Database;
import io.paddock.shared.http.Problem;
import io.paddock.shared.http.Problem.FieldError;
import io.paddock.shared.http.QueryParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Reads the audit trail (table audit_events, migration V15) for GET /v1/admin/audit: newest first on the keyset
 * (at, id), optionally for one actor, one target and one action, within [from, to). Each filter walks its own
 * index (V15) in order and stops after limit + 1 rows. Writing is shared's {@code AuditTrail}.
 */
@ApplicationScoped
public class AuditLog {

    static final String PAGE = "SELECT id, action, actor_id, target_id, at, request_id, host(client_address) AS client_address, "
            + "details::text AS details FROM audit_events "
            + "WHERE (?::uuid IS NULL OR actor_id = ?::uuid) AND (?::text IS NULL OR target_id = ?::text) "
            + "AND (?::text IS NULL OR action = ?::text) "
            + "AND at >= coalesce(?::timestamptz, '-infinity') AND at < coalesce(?::timestamptz, 'infinity') "
            + "AND (?::timestamptz IS NULL OR (at, id) < (?::timestamptz, ?::uuid)) "
            + "ORDER BY at DESC, id DESC LIMIT ?";

    /** A target is a user id, a rate-limit key or a key id: as long as the column allows, storable text. */
    static final int MAX_TARGET = 200;

    /** What one page asks for; every field but limit may be null. */
    public record Query(UUID actor, String target, AuditAction action, Instant from, Instant to, AuditPage.Cursor after,
            int limit) {

        /** The route's parameters, each checked; every bad one is named in one 400. */
        public static Query parse(String actor, String target, String action, String from, String to, String cursor,
                String limit) {
            List<FieldError> errors = new ArrayList<>();
            UUID actorId = actor == null ? null : checked(errors, () -> QueryParams.uuid("actor", actor));
            if (target != null) {
                checked(errors, () -> QueryParams.storable("target", target));
                if (target.isEmpty() || target.length() > MAX_TARGET) {
                    errors.add(new FieldError("target", "must be 1 to " + MAX_TARGET + " characters"));
                }
            }
            AuditAction known = action == null ? null : AuditAction.ofCode(action).orElse(null);
            if (action != null && known == null) {
                errors.add(new FieldError("action", "must be one of " + String.join(", ", AuditAction.codes())));
            }
            Instant start = checked(errors, () -> QueryParams.instant("from", from));
            Instant end = checked(errors, () -> QueryParams.instant("to", to));
            if (start != null && end != null && !start.isBefore(end)) {
                errors.add(new FieldError("from", "must be before to"));
            }
            AuditPage.Cursor after = null;
            if (cursor != null) {
                try {
                    after = AuditPage.Cursor.decode(cursor);
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("cursor", e.getMessage()));
                }
            }
            Integer size = checked(errors, () -> QueryParams.limit(limit));
            if (!errors.isEmpty()) {
                throw Problem.invalid("A query parameter is invalid", errors);
            }
            return new Query(actorId, target, known, start, end, after, size);
        }

        private static <T> T checked(List<FieldError> errors, Supplier<T> parse) {
            try {
                return parse.get();
            } catch (WebApplicationException e) {
                if (e.getResponse().getEntity() instanceof Problem problem && problem.errors() != null) {
                    errors.addAll(problem.errors());
                    return null;
                }
                throw e;
            }
        }
    }

    private final Database database;

    public AuditLog(Database database) {
        this.database = database;
    }

    public AuditPage page(Query query) throws SQLException {
        return database.inTransaction(connection -> {
            List<AuditPage.AuditEntry> items = new ArrayList<>();
            AuditPage.Cursor last = null;
            try (PreparedStatement select = connection.prepareStatement(PAGE)) {
                select.setObject(1, query.actor(), Types.OTHER);
                select.setObject(2, query.actor(), Types.OTHER);
                select.setString(3, query.target());
                select.setString(4, query.target());
                String action = query.action() == null ? null : query.action().code();
                select.setString(5, action);
                select.setString(6, action);
                select.setTimestamp(7, query.from() == null ? null : Timestamp.from(query.from()));
                select.setTimestamp(8, query.to() == null ? null : Timestamp.from(query.to()));
                Timestamp afterAt = query.after() == null ? null : Timestamp.from(query.after().at());
                select.setTimestamp(9, afterAt);
                select.setTimestamp(10, afterAt);
                select.setObject(11, query.after() == null ? null : query.after().id(), Types.OTHER);
                select.setInt(12, query.limit() + 1);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        if (items.size() == query.limit()) {
                            return new AuditPage(items, last.encode());
                        }
                        UUID id = rs.getObject("id", UUID.class);
                        Instant at = rs.getTimestamp("at").toInstant();
                        UUID actor = rs.getObject("actor_id", UUID.class);
                        String address = rs.getString("client_address");
                        items.add(new AuditPage.AuditEntry(id, rs.getString("action"),
                                actor == null ? null : actor.toString(), rs.getString("target_id"), at,
                                rs.getString("request_id"), address == null ? null : ClientAddress.normalise(address),
                                rs.getString("details")));
                        last = new AuditPage.Cursor(at, id);
                    }
                }
            }
            return new AuditPage(items, null);
        });
    }
}
