package io.paddock.db;

import static io.paddock.db.SchemaTest.assertSqlState;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** edge_blocks, the offenders mirrored into the WAF IP set, as the application role meets it. */
class EdgeBlocksTest {

    private static Connection app;

    @BeforeAll
    static void migrate() throws SQLException {
        app = AppRole.connect(TestPostgres.migratedDatabase("edge_blocks"));
    }

    @AfterAll
    static void close() throws SQLException {
        app.close();
    }

    @Test
    void appRoleRecordsExtendsReadsAndDeletesBlocks() throws SQLException {
        execute("INSERT INTO edge_blocks (ip, blocked_until) VALUES ('198.51.100.7', now() + interval '10 minutes'), "
                + "('2001:db8::7', now() + interval '10 minutes')");
        execute("UPDATE edge_blocks SET blocked_until = blocked_until + interval '5 minutes', updated_at = now() "
                + "WHERE ip = '198.51.100.7'");
        assertEquals("2", queryString("SELECT count(*) FROM edge_blocks WHERE blocked_until > now()"));
        execute("DELETE FROM edge_blocks WHERE ip = '2001:db8::7'");
        assertEquals("198.51.100.7", queryString("SELECT string_agg(host(ip), ',') FROM edge_blocks"));
    }

    @Test
    void onlySingleAddressesAreStoredNeverNetworks() {
        assertSqlState("23514", () -> execute("INSERT INTO edge_blocks (ip, blocked_until) VALUES ('10.0.0.0/8', now())"), "IPv4 network");
        assertSqlState("23514", () -> execute("INSERT INTO edge_blocks (ip, blocked_until) VALUES ('2001:db8::/64', now())"), "IPv6 network");
        assertSqlState("22P02", () -> execute("INSERT INTO edge_blocks (ip, blocked_until) VALUES ('example.com', now())"), "hostname");
    }

    private static void execute(String sql) throws SQLException {
        try (Statement s = app.createStatement()) {
            s.execute(sql);
        }
    }

    private static String queryString(String sql) throws SQLException {
        try (Statement s = app.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
