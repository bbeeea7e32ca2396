package io.paddock.db;

import static io.paddock.db.SchemaTest.assertSqlState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** audit_events (V15): append-only for the application role, and for everyone but the retention prune. */
class AuditEventsTest {

    private static String db;
    private static Connection app;

    @BeforeAll
    static void migrate() throws SQLException {
        db = TestPostgres.migratedDatabase("audit_events");
        app = AppRole.connect(db);
    }

    @AfterAll
    static void close() throws SQLException {
        app.close();
    }

    @Test
    void theApplicationRoleAppendsRowsAndReadsThemBack() throws SQLException {
        UUID id = insert(app, "auth.signed_in", "0");
        assertEquals("auth.signed_in", queryString(app, "SELECT action FROM audit_events WHERE id = '" + id + "'"));
        assertEquals("198.51.100.1", queryString(app, "SELECT host(client_address) FROM audit_events WHERE id = '" + id + "'"));
    }

    @Test
    void theApplicationRoleCanNeitherUpdateNorDeleteNorTruncateTheTrail() throws SQLException {
        UUID id = insert(app, "rate_limit.unblocked", "0");
        assertSqlState("42501", () -> execute(app, "UPDATE audit_events SET target_id = 'forged' WHERE id = '" + id + "'"), "update");
        assertSqlState("42501", () -> execute(app, "DELETE FROM audit_events WHERE id = '" + id + "'"), "delete");
        assertSqlState("42501", () -> execute(app, "TRUNCATE audit_events"), "truncate");
        assertEquals("1", queryString(app, "SELECT count(*) FROM audit_events WHERE id = '" + id + "'"));
    }

    /** A broad GRANT added one day must not open the trail: the trigger refuses the change itself. */
    @Test
    void aGrantOfUpdateAndDeleteToTheApplicationRoleStillChangesNothing() throws SQLException {
        UUID id = insert(app, "rate_limit.override_set", "0");
        for (String change : new String[] {"UPDATE audit_events SET target_id = 'forged' WHERE id = '" + id + "'",
                "DELETE FROM audit_events WHERE id = '" + id + "'", "TRUNCATE audit_events"}) {
            try (Connection c = TestPostgres.superuser(db)) {
                c.setAutoCommit(false);
                execute(c, "GRANT UPDATE, DELETE, TRUNCATE ON audit_events TO paddock_app");
                execute(c, "SET LOCAL ROLE paddock_app");
                SQLException refused = assertThrows(SQLException.class, () -> execute(c, change), change);
                assertEquals("42501", refused.getSQLState(), change);
                assertTrue(refused.getMessage().contains("append-only"), change + ": " + refused.getMessage());
                c.rollback();
            }
        }
        try (Connection owner = TestPostgres.superuser(db)) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> execute(owner, "DELETE FROM audit_events WHERE id = '" + id + "'"), "the owner too");
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
        }
        assertEquals("1", queryString(app, "SELECT count(*) FROM audit_events WHERE id = '" + id + "'"));
        assertEquals("f", queryString(app, "SELECT has_table_privilege('paddock_app', 'audit_events', 'DELETE')"));
    }

    @Test
    void theRetentionPruneDropsOnlyRowsPastItAndNeverRecentOnes() throws SQLException {
        UUID old;
        UUID young;
        try (Connection owner = TestPostgres.superuser(db)) {
            old = insert(owner, "auth.signed_in", "401");
            young = insert(owner, "auth.signed_in", "399");
        }
        assertSqlState("22023", () -> queryString(app, "SELECT prune_audit_events(89)"), "fewer than 90 days");
        assertTrue(Long.parseLong(queryString(app, "SELECT prune_audit_events(400)")) >= 1);
        assertEquals("0", queryString(app, "SELECT count(*) FROM audit_events WHERE id = '" + old + "'"));
        assertEquals("1", queryString(app, "SELECT count(*) FROM audit_events WHERE id = '" + young + "'"));
        // The prune's permission ends with it: the same transaction cannot go on deleting.
        assertSqlState("42501", () -> {
            try (Connection owner = TestPostgres.superuser(db)) {
                owner.setAutoCommit(false);
                queryString(owner, "SELECT prune_audit_events(400)");
                execute(owner, "DELETE FROM audit_events WHERE id = '" + young + "'");
            }
        }, "a delete after the prune in its transaction");
    }

    @Test
    void onlyTheKnownActionsAreStored() {
        assertSqlState("23514", () -> insert(app, "auth.everything_is_fine", "0"), "unknown action");
    }

    /** No route or tool changes roles: operators do it with SQL, and the database records it. */
    @Test
    void aRoleChangedWithSqlLeavesExactlyOneRow() throws SQLException {
        UUID user = UUID.randomUUID();
        execute(app, "INSERT INTO users (id, email, handle, password_hash) VALUES ('" + user + "', '" + user
                + "@example.com', 'r_" + user.toString().substring(0, 8) + "', '!')");
        execute(app, "UPDATE users SET role = 'admin' WHERE id = '" + user + "'");
        execute(app, "UPDATE users SET role = 'admin', display_name = 'Still admin' WHERE id = '" + user + "'");
        String rows = "SELECT count(*) FROM audit_events WHERE action = 'account.role_changed' AND target_id = '" + user + "'";
        assertEquals("1", queryString(app, rows));
        assertEquals("{\"by\": \"postgres\", \"to\": \"admin\", \"from\": \"user\"}",
                queryString(app, "SELECT details::text FROM audit_events WHERE target_id = '" + user + "'"));
        UUID id = UUID.fromString(queryString(app, "SELECT id FROM audit_events WHERE target_id = '" + user + "'"));
        assertEquals(7, id.version(), "a UUIDv7, as every id");
        execute(app, "UPDATE users SET role = 'user' WHERE id = '" + user + "'");
        assertEquals("2", queryString(app, rows));
    }

    /** A row as shared's AuditTrail writes it, {@code daysAgo} days old (only the owner may backdate one here). */
    private static UUID insert(Connection c, String action, String daysAgo) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_events (id, action, actor_id, target_id, at, "
                + "request_id, client_address, details) VALUES (?, ?, ?, 'ip:198.51.100.1', now() - make_interval(days => ?), "
                + "'req-1234567', '198.51.100.1', '{\"edgeBlockLifted\": false}')")) {
            s.setObject(1, id);
            s.setString(2, action);
            s.setObject(3, UUID.randomUUID());
            s.setInt(4, Integer.parseInt(daysAgo));
            s.executeUpdate();
        }
        return id;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
