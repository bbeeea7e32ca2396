package io.paddock.db;

import static io.paddock.db.SchemaTest.assertSqlState;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.shared.auth.ApiKeyScope;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * api_keys (V16): the application role verifies keys (it reads hashes), creates them and moves only the two
 * timestamps; the table takes the scopes the code knows and nothing else.
 */
class ApiKeysTableTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static String db;
    private static Connection app;

    @BeforeAll
    static void migrate() throws SQLException {
        db = TestPostgres.migratedDatabase("api_keys");
        app = AppRole.connect(db);
    }

    @AfterAll
    static void close() throws SQLException {
        app.close();
    }

    @Test
    void theApplicationRoleCreatesReadsAndRevokesKeysButCannotRewriteOrDeleteThem() throws SQLException {
        UUID id = insert(app, "read");
        assertEquals("1", queryString(app, "SELECT count(*) FROM api_keys WHERE id = '" + id + "' AND octet_length(hash) = 32"));
        execute(app, "UPDATE api_keys SET last_used_at = now(), revoked_at = now() WHERE id = '" + id + "'");
        assertSqlState("42501", () -> execute(app, "UPDATE api_keys SET scopes = '{read,telemetry:write}' WHERE id = '" + id + "'"),
                "widening a key's scopes");
        assertSqlState("42501", () -> execute(app, "UPDATE api_keys SET hash = hash WHERE id = '" + id + "'"), "swapping its hash");
        assertSqlState("42501", () -> execute(app, "DELETE FROM api_keys WHERE id = '" + id + "'"), "deleting it");
    }

    @Test
    void everyScopeTheCodeKnowsIsOneTheTableTakesAndNoOther() throws SQLException {
        for (String code : ApiKeyScope.codes()) {
            insert(app, code);
        }
        insert(app, String.join(",", ApiKeyScope.codes()));
        assertSqlState("23514", () -> insert(app, "write"), "an unknown scope");
        assertSqlState("23514", () -> insert(app, "read,read"), "a scope twice");
        assertSqlState("23514", () -> insert(app, ""), "no scope");
    }

    @Test
    void aHashIsThirtyTwoBytesAndUniqueAndANameOneToAHundredCharacters() throws SQLException {
        byte[] hash = new byte[32];
        RANDOM.nextBytes(hash);
        insert(app, "key", hash, "read");
        assertSqlState("23505", () -> insert(app, "again", hash, "read"), "the same hash twice");
        assertSqlState("23514", () -> insert(app, "short", new byte[16], "read"), "a hash of another length");
        assertSqlState("23514", () -> insert(app, "", randomHash(), "read"), "an empty name");
        assertSqlState("23514", () -> insert(app, "n".repeat(101), randomHash(), "read"), "a name too long");
    }

    private static UUID insert(Connection c, String scopes) throws SQLException {
        return insert(c, "key", randomHash(), scopes);
    }

    private static byte[] randomHash() {
        byte[] hash = new byte[32];
        RANDOM.nextBytes(hash);
        return hash;
    }

    private static UUID insert(Connection c, String name, byte[] hash, String scopes) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO api_keys (id, name, scopes, hash, created_by) "
                + "VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, id);
            s.setString(2, name);
            s.setArray(3, c.createArrayOf("text", scopes.isEmpty() ? new Object[0] : scopes.split(",")));
            s.setBytes(4, hash);
            s.setObject(5, UUID.randomUUID());
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
