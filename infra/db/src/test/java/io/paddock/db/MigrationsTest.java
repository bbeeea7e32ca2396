package io.paddock.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void migrationsApplyCleanlyAndAreIdempotent() throws Exception {
        String db = TestPostgres.createDatabase("migrate_twice", null);

        MigrateResult first = Migrations.migrate(TestPostgres.jdbcUrl(db), "postgres", "");
        assertTrue(first.success);
        assertTrue(first.migrationsExecuted >= 9, "applied " + first.migrationsExecuted);
        assertEquals(first.migrationsExecuted, first.migrations.size());

        MigrateResult second = Migrations.migrate(TestPostgres.jdbcUrl(db), "postgres", "");
        assertTrue(second.success);
        assertEquals(0, second.migrationsExecuted);
        assertEquals(first.targetSchemaVersion, second.initialSchemaVersion);

        try (Connection c = TestPostgres.superuser(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE NOT success")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }

    @Test
    void migrationsRunAsAnOwnerWhoIsNeitherSuperuserNorAllowedToCreateRoles() throws Exception {
        // The managed-database case on a second deploy: the app role exists (created once, cluster-wide),
        // the migrator owns its database but may not create roles. Nothing may try to.
        TestPostgres.migratedDatabase("role_exists"); // makes sure paddock_app exists in the cluster
        TestPostgres.execute("postgres", "CREATE ROLE plain_migrator LOGIN PASSWORD 'm1grator' "
                + "NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS");
        String db = TestPostgres.createDatabase("non_superuser", "plain_migrator");

        MigrateResult result = Migrations.migrate(TestPostgres.jdbcUrl(db), "plain_migrator", "m1grator");
        assertTrue(result.success);
        assertTrue(result.migrationsExecuted >= 9);

        try (Connection c = TestPostgres.superuser(db); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = 'usage_events'");
            rs.next();
            assertEquals("plain_migrator", rs.getString(1));
            rs = s.executeQuery("SELECT has_table_privilege('paddock_app', 'posts', 'INSERT'), "
                    + "has_table_privilege('paddock_app', 'usage_events', 'UPDATE'), "
                    + "has_function_privilege('paddock_app', 'ensure_usage_event_partitions(int, int)', 'EXECUTE')");
            rs.next();
            assertTrue(rs.getBoolean(1));
            assertFalse(rs.getBoolean(2));
            assertTrue(rs.getBoolean(3));
        }
    }

    @Test
    void migrateAcceptsTheOperatorUrlForm() {
        String db = TestPostgres.createDatabase("operator_url", null);
        MigrateResult result = Migrations.migrate("postgres://postgres@" + TestPostgres.HOST + ":" + TestPostgres.port() + "/" + db);
        assertTrue(result.migrationsExecuted >= 9);
    }

    @Test
    void connectAcceptsTheOperatorUrlForm() throws SQLException {
        try (Connection c = Migrations.connect("postgresql://postgres:@" + TestPostgres.HOST + ":" + TestPostgres.port() + "/postgres");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            assertEquals("postgres", rs.getString(1));
        }
    }

    @Test
    void migrateCommandPrintsWhatItAppliedThenNothingTheSecondTime() {
        String db = TestPostgres.createDatabase("command", null);
        Map<String, String> env = Map.of(
                "DATABASE_URL", "postgres://nobody:wrong@" + TestPostgres.HOST + ":" + TestPostgres.port() + "/" + db,
                "DATABASE_USER", "postgres",
                "DATABASE_PASSWORD", "");
        Run first = Run.of(env);
        assertEquals(0, first.code, first.err);
        assertTrue(first.out.contains("applied "), first.out);
        assertTrue(first.out.contains("V1 create app role"), first.out);

        Run second = Run.of(env);
        assertEquals(0, second.code, second.err);
        assertTrue(second.out.contains("up to date at version " + lastVersion(first.out)), second.out);
        assertTrue(second.out.contains("nothing applied"), second.out);
    }

    @Test
    void migrateCommandFailsWithOneLineAndNoStackTrace() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run unreachable = Run.of(Map.of("DATABASE_URL", "postgres://u:secret@127.0.0.1:" + closedPort + "/db?connectTimeout=2"));
        assertEquals(1, unreachable.code);
        assertOneCleanLine(unreachable.err);
        assertTrue(unreachable.err.startsWith("paddock migrate: failed: "), unreachable.err);
        assertFalse(unreachable.err.contains("secret"), unreachable.err);

        Run missing = Run.of(Map.of());
        assertEquals(2, missing.code);
        assertOneCleanLine(missing.err);
        assertTrue(missing.err.contains("DATABASE_URL"), missing.err);

        Run wrongScheme = Run.of(Map.of("DATABASE_URL", "mysql://h/db"));
        assertEquals(2, wrongScheme.code);
        assertOneCleanLine(wrongScheme.err);
    }

    @Test
    void failedMigrationMessagesAreFoldedIntoOneLineWithoutTheStatement() {
        String flywayStyle = """
                Migration V3__x.sql failed
                --------------------------
                SQL State  : 42601
                Error Code : 0
                Message    : ERROR: syntax error at or near "TABEL"
                  Position: 8
                Location   : db/migration/V3__x.sql (/x/V3__x.sql)
                Line       : 1
                Statement  : CREATE TABEL x (
                  id int
                )
                """;
        String line = Migrations.oneLine(new FlywayException(flywayStyle));
        assertFalse(line.contains("\n"));
        assertTrue(line.contains("Migration V3__x.sql failed; SQL State : 42601"), line);
        assertTrue(line.contains("syntax error at or near \"TABEL\""), line);
        assertFalse(line.contains("CREATE TABEL"), line);
    }

    @Test
    void databaseUrlFormsBecomeJdbcUrlsAndCredentials() {
        Migrations.Target t = Migrations.Target.parse("postgres://app:p%40ss+w%3Ard@db.example:6543/paddock?sslmode=require&x=a@b");
        assertEquals("jdbc:postgresql://db.example:6543/paddock?sslmode=require&x=a@b", t.jdbcUrl());
        assertEquals("app", t.user());
        assertEquals("p@ss+w:rd", t.password());
        assertFalse(t.toString().contains("p@ss"));

        Migrations.Target noCredentials = Migrations.Target.parse("postgresql://db.example/paddock");
        assertEquals("jdbc:postgresql://db.example/paddock", noCredentials.jdbcUrl());
        assertNull(noCredentials.user());
        assertNull(noCredentials.password());

        Migrations.Target ipv6 = Migrations.Target.parse("postgres://u@[::1]:5432/d");
        assertEquals("jdbc:postgresql://[::1]:5432/d", ipv6.jdbcUrl());
        assertEquals("u", ipv6.user());

        Migrations.Target jdbc = Migrations.Target.parse(" jdbc:postgresql://h:5432/d?user=x ");
        assertEquals("jdbc:postgresql://h:5432/d?user=x", jdbc.jdbcUrl());
        assertNull(jdbc.user());

        Migrations.Target overridden = t.withOverrides("admin", "s3cret");
        assertEquals("admin", overridden.user());
        assertEquals("s3cret", overridden.password());
        assertEquals(t, t.withOverrides("", null));

        assertThrows(IllegalArgumentException.class, () -> Migrations.Target.parse("mysql://h/d"));
        assertThrows(IllegalArgumentException.class, () -> Migrations.Target.parse("postgres://h:5432"));
        assertThrows(IllegalArgumentException.class, () -> Migrations.Target.parse("postgres://u:p@/d"));
        assertThrows(IllegalArgumentException.class, () -> Migrations.Target.parse(" "));
    }

    private static String lastVersion(String applied) {
        return applied.replaceAll("(?s).*now at version (\\S+).*", "$1");
    }

    private static void assertOneCleanLine(String err) {
        String trimmed = err.strip();
        assertFalse(trimmed.isEmpty());
        assertFalse(trimmed.contains("\n"), err);
        assertFalse(trimmed.contains("\tat "), err);
        assertFalse(trimmed.contains("Exception:"), err);
    }

    private record Run(int code, String out, String err) {
        static Run of(Map<String, String> env) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Migrations.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
