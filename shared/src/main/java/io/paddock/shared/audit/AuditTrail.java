package io.paddock.shared.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.ClientAddress;
import io.paddock.shared.db.Database;
import io.paddock.shared.ids.Ids;
import io.paddock.shared.observability.RequestRecords;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.UUID;

/**
 * The one writer of the audit trail (table {@code audit_events}, migration V15): one row per admin action and
 * security event, never changed afterwards (the table refuses UPDATE and DELETE; only the retention prune removes
 * rows). The request id and client address come from the request being served, as the request log takes them;
 * outside a request (a schedule, a test calling a class directly) both are NULL.
 *
 * <p>Exactly one row per action: where the action is a PostgreSQL write, its row goes into the same transaction
 * ({@link #record(Connection, AuditAction, UUID, String, Map)}), so the two commit or roll back together. Elsewhere
 * (a sign-in opens its session in DynamoDB, an unblock clears Redis and PostgreSQL in separate steps) the row is
 * written in a transaction of its own right after the action ({@link #record(AuditAction, UUID, String, Map)}); when
 * PostgreSQL cannot take it, the failure reaches the caller as every store failure does (a 503). An
 * {@code Idempotency-Key} replay never reaches the route, so it writes nothing; a retry after a 5xx does the action
 * again and is recorded again, as it should be.
 *
 * <p>What goes into {@code details} (small, never a secret: no password, token, refresh secret or e-mail address):
 * sign-in {@code {method: password|registration|oidc}} (oidc adds {@code provider} and {@code account:
 * existing|linked|created}); back-off started {@code {backoffSeconds}}; refresh-token reuse
 * {@code {familyId}} (the family id is no secret: it is the public half of a refresh token and in the logs); override
 * set {@code {tier, multipliers}}; unblock {@code {edgeBlockLifted}}; API key created {@code {scopes}} (never the key); role change (the database's trigger)
 * {@code {from, to, by}}, {@code by} being the database user that ran the UPDATE.
 */
@ApplicationScoped
public class AuditTrail {

    static final String INSERT = "INSERT INTO audit_events (id, action, actor_id, target_id, request_id, client_address, "
            + "details) VALUES (?, ?, ?, ?, ?, ?::inet, ?::jsonb)";
    /** The table's limits (V15); a longer target is cut rather than losing the row. */
    static final int MAX_TARGET = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database database;
    private final Caller caller;

    public AuditTrail(Database database, Caller caller) {
        this.database = database;
        this.caller = caller;
    }

    /**
     * Records {@code action} in a transaction of its own. {@code actor}: the signed-in user who acted (null when
     * nobody signed in did); {@code target}: what it was done to; {@code details}: see the class comment (null for
     * none).
     */
    public void record(AuditAction action, UUID actor, String target, Map<String, ?> details) throws SQLException {
        database.inTransaction(c -> {
            record(c, action, actor, target, details);
            return null;
        });
    }

    /** Records {@code action} in the caller's transaction on {@code connection}: it commits with the action. */
    public void record(Connection connection, AuditAction action, UUID actor, String target, Map<String, ?> details)
            throws SQLException {
        Origin origin = origin();
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, Ids.uuidV7());
            insert.setString(2, action.code());
            insert.setObject(3, actor, Types.OTHER);
            insert.setString(4, target == null || target.isEmpty() ? null
                    : target.length() > MAX_TARGET ? target.substring(0, MAX_TARGET) : target);
            insert.setString(5, origin.requestId());
            insert.setString(6, origin.clientAddress());
            insert.setString(7, details == null || details.isEmpty() ? null : json(details));
            insert.executeUpdate();
        }
    }

    private record Origin(String requestId, String clientAddress) {
    }

    /** The request being served, if any: its X-Request-Id and the contract's client address in its one spelling. */
    private Origin origin() {
        ArcContainer container = Arc.container();
        if (container == null || !container.requestContext().isActive()
                || container.instance(CurrentVertxRequest.class).get().getCurrent() == null) {
            return new Origin(null, null);
        }
        return new Origin(RequestRecords.current().requestId(), ClientAddress.normalise(caller.clientIp()));
    }

    private static String json(Map<String, ?> details) {
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be plain values", e);
        }
    }
}
