package io.paddock.auth;

import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.audit.AuditTrail;
import io.paddock.shared.auth.ApiKeyScope;
import io.paddock.shared.auth.IssuedApiKeys;
import io.paddock.shared.db.Database;
import io.paddock.shared.http.TimeOrderedCursor;
import io.paddock.shared.ids.Ids;
import io.paddock.shared.validation.Constraints;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The admin's side of API keys (table {@code api_keys}, migration V16): create, list, revoke. What a key looks like,
 * how it is hashed and how every function checks one is shared's {@link IssuedApiKeys}.
 *
 * <p>Each change writes its audit row in its own transaction ({@code api_key.created}, {@code api_key.revoked}), so
 * the two commit together: exactly one row per key created and one per key revoked, however often the revocation is
 * repeated (only the UPDATE that sets {@code revoked_at} writes one).
 *
 * <p>The list is newest first on the keyset (created_at, id) with the shared {@link TimeOrderedCursor}, 20 keys a page
 * by default and 100 at most, like the audit trail: bounded however many keys a deployment accumulates (revoked keys
 * stay listed).
 */
@ApplicationScoped
public class ApiKeys {

    static final int NAME_MAX = 100;
    static final String CURSOR_VERSION = "k1";

    static final String INSERT = "INSERT INTO api_keys (id, name, scopes, hash, created_by) VALUES (?, ?, ?, ?, ?) "
            + "RETURNING created_at";
    static final String PAGE = "SELECT id, name, scopes, created_at, last_used_at, revoked_at FROM api_keys "
            + "WHERE (?::timestamptz IS NULL OR (created_at, id) < (?::timestamptz, ?::uuid)) "
            + "ORDER BY created_at DESC, id DESC LIMIT ?";
    static final String REVOKE = "UPDATE api_keys SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL RETURNING id";
    static final String EXISTS = "SELECT 1 FROM api_keys WHERE id = ?";

    /** What a revocation found. */
    public enum Revocation { REVOKED, ALREADY_REVOKED, UNKNOWN }

    private final Database database;
    private final IssuedApiKeys keys;
    private final AuditTrail audit;

    public ApiKeys(Database database, IssuedApiKeys keys, AuditTrail audit) {
        this.database = database;
        this.keys = keys;
        this.audit = audit;
    }

    /**
     * The rules of a new key's fields: a name of 1 to {@link #NAME_MAX} characters once trimmed, without control
     * characters; scopes known, at least one, none twice. Each broken rule names the values that break it.
     */
    static List<Constraints.Violation> problems(String name, List<String> scopes) {
        List<Constraints.Violation> problems = new ArrayList<>();
        if (name != null) {
            String trimmed = name.strip();
            if (trimmed.isEmpty() || trimmed.length() > NAME_MAX) {
                problems.add(new Constraints.Violation("name", "must be 1 to " + NAME_MAX + " characters once trimmed"));
            } else if (trimmed.chars().anyMatch(Character::isISOControl)) {
                problems.add(new Constraints.Violation("name", "must not contain control characters"));
            }
        }
        if (scopes != null) {
            if (scopes.isEmpty()) {
                problems.add(new Constraints.Violation("scopes", "must name at least one of " + String.join(", ", ApiKeyScope.codes())));
            }
            Set<String> unknown = new LinkedHashSet<>();
            Set<String> seen = new HashSet<>();
            Set<String> twice = new LinkedHashSet<>();
            for (String scope : scopes) {
                if (scope == null || ApiKeyScope.ofCode(scope).isEmpty()) {
                    unknown.add(String.valueOf(scope));
                } else if (!seen.add(scope)) {
                    twice.add(scope);
                }
            }
            if (!unknown.isEmpty()) {
                problems.add(new Constraints.Violation("scopes", "unknown: " + String.join(", ", unknown) + " (known: "
                        + String.join(", ", ApiKeyScope.codes()) + ")"));
            }
            if (!twice.isEmpty()) {
                problems.add(new Constraints.Violation("scopes", "named twice: " + String.join(", ", twice)));
            }
        }
        return problems;
    }

    /** A new key for {@code request} (already valid), created by {@code admin}; the answer holds the key, once. */
    public ApiKeyDocuments.Created create(ApiKeyRequest request, UUID admin) throws SQLException {
        UUID id = Ids.uuidV7();
        String name = request.name().strip();
        List<String> scopes = request.scopes().stream().map(s -> ApiKeyScope.ofCode(s).orElseThrow())
                .sorted().map(ApiKeyScope::code).toList();
        String key = keys.mint();
        Instant createdAt = database.inTransaction(c -> {
            Instant at;
            try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                insert.setObject(1, id);
                insert.setString(2, name);
                insert.setArray(3, c.createArrayOf("text", scopes.toArray()));
                insert.setBytes(4, IssuedApiKeys.hash(key));
                insert.setObject(5, admin);
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    at = rs.getTimestamp(1).toInstant();
                }
            }
            audit.record(c, AuditAction.API_KEY_CREATED, admin, id.toString(), Map.of("scopes", scopes));
            return at;
        });
        return new ApiKeyDocuments.Created(id, name, scopes, key, createdAt);
    }

    /** One page, newest first; {@code after} is a cursor this list issued, or null for the first page. */
    public ApiKeyDocuments.Page page(TimeOrderedCursor after, int limit) throws SQLException {
        return database.inTransaction(c -> {
            List<ApiKeyDocuments.Entry> items = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(PAGE)) {
                Timestamp afterAt = after == null ? null : Timestamp.from(after.at());
                select.setTimestamp(1, afterAt);
                select.setTimestamp(2, afterAt);
                select.setObject(3, after == null ? null : after.id(), Types.OTHER);
                select.setInt(4, limit + 1);
                try (ResultSet rs = select.executeQuery()) {
                    TimeOrderedCursor last = null;
                    while (rs.next()) {
                        if (items.size() == limit) {
                            return new ApiKeyDocuments.Page(items, last.encode(CURSOR_VERSION));
                        }
                        UUID id = rs.getObject("id", UUID.class);
                        Instant createdAt = rs.getTimestamp("created_at").toInstant();
                        List<String> scopes = IssuedApiKeys.scopes(rs.getArray("scopes")).stream().sorted()
                                .map(ApiKeyScope::code).toList();
                        items.add(new ApiKeyDocuments.Entry(id, rs.getString("name"), scopes, createdAt,
                                instant(rs.getTimestamp("last_used_at")), instant(rs.getTimestamp("revoked_at"))));
                        last = new TimeOrderedCursor(createdAt, id);
                    }
                }
            }
            return new ApiKeyDocuments.Page(items, null);
        });
    }

    /**
     * Revokes key {@code id} for {@code admin}: every function refuses it once this returns (the UPDATE has committed;
     * IssuedApiKeys checks every request). The audit row is written only by the request that revoked it.
     */
    public Revocation revoke(UUID id, UUID admin) throws SQLException {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement(REVOKE)) {
                update.setObject(1, id);
                try (ResultSet rs = update.executeQuery()) {
                    if (rs.next()) {
                        audit.record(c, AuditAction.API_KEY_REVOKED, admin, id.toString(), null);
                        return Revocation.REVOKED;
                    }
                }
            }
            return exists(c, id) ? Revocation.ALREADY_REVOKED : Revocation.UNKNOWN;
        });
    }

    private static boolean exists(Connection c, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(EXISTS)) {
            select.setObject(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Instant instant(Timestamp at) {
        return at == null ? null : at.toInstant();
    }
}
