package io.paddock.ratelimit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.audit.AuditTrail;
import io.paddock.shared.db.Database;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes admins' per-user overrides (table rate_limit_overrides, migration V7); the limiter reads them. Each
 * change is a row of the audit trail, written in the same transaction.
 */
@ApplicationScoped
public class RateLimitOverrideStore {

    // A deleted account (its row kept only to reserve its e-mail and handle) is no user to set limits for: 404.
    static final String USER_EXISTS = "SELECT 1 FROM users WHERE id = ? AND deleted_at IS NULL";
    static final String UPSERT = "INSERT INTO rate_limit_overrides (user_id, tier, multipliers, updated_by, updated_at) "
            + "VALUES (?, ?, ?::jsonb, ?, now()) ON CONFLICT (user_id) DO UPDATE SET tier = EXCLUDED.tier, "
            + "multipliers = EXCLUDED.multipliers, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at "
            + "RETURNING updated_at";
    static final String DELETE = "DELETE FROM rate_limit_overrides WHERE user_id = ?";

    private final Database database;
    private final AuditTrail audit;
    private final ObjectMapper json = new ObjectMapper();

    public RateLimitOverrideStore(Database database, AuditTrail audit) {
        this.database = database;
        this.audit = audit;
    }

    /**
     * Stores the override (or removes it when it has neither tier nor multipliers). Empty when the user
     * does not exist; otherwise when it was stored.
     */
    public Optional<Instant> put(UUID userId, String tier, Map<String, Double> multipliers, UUID admin) throws SQLException {
        String multipliersJson = multipliers.isEmpty() ? null : toJson(multipliers);
        return database.inTransaction(c -> {
            try (PreparedStatement exists = c.prepareStatement(USER_EXISTS)) {
                exists.setObject(1, userId);
                try (ResultSet rs = exists.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                }
            }
            if (tier == null && multipliersJson == null) {
                try (PreparedStatement delete = c.prepareStatement(DELETE)) {
                    delete.setObject(1, userId);
                    delete.executeUpdate();
                }
                audit.record(c, AuditAction.RATE_LIMIT_OVERRIDE_REMOVED, admin, userId.toString(), null);
                return Optional.of(Instant.now());
            }
            try (PreparedStatement upsert = c.prepareStatement(UPSERT)) {
                upsert.setObject(1, userId);
                upsert.setString(2, tier);
                if (multipliersJson == null) {
                    upsert.setNull(3, Types.VARCHAR);
                } else {
                    upsert.setString(3, multipliersJson);
                }
                upsert.setObject(4, admin);
                Instant updatedAt;
                try (ResultSet rs = upsert.executeQuery()) {
                    rs.next();
                    updatedAt = rs.getTimestamp(1).toInstant();
                }
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("tier", tier);
                details.put("multipliers", multipliers);
                audit.record(c, AuditAction.RATE_LIMIT_OVERRIDE_SET, admin, userId.toString(), details);
                return Optional.of(updatedAt);
            }
        });
    }

    private String toJson(Map<String, Double> multipliers) {
        try {
            return json.writeValueAsString(multipliers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
