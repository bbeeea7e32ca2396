package io.paddock.db.deploy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Makes the application's login role match its secret: the role RDS Proxy logs in as on the functions'
 * behalf. Afterwards it exists, can log in with the secret's password, has none of SUPERUSER, CREATEDB,
 * CREATEROLE, BYPASSRLS, and is a member of the NOLOGIN role {@code paddock_app} (migration V1), which
 * holds every table grant (V8). It owns nothing and gets no CREATE on the schema, so the running
 * application can read and write rows but never change the schema.
 *
 * <p>How, and why this way:
 * <ul>
 * <li>Identifiers are quoted by PostgreSQL itself ({@code format('%I', ?)} with the name bound as a
 *     parameter); the name never meets string concatenation in Java.</li>
 * <li>The password is set with pgjdbc's {@link PGConnection#alterUserPassword}, which hashes it on the
 *     client (SCRAM-SHA-256 or MD5, whichever {@code password_encryption} says) and sends only the verifier.
 *     The plain password therefore never reaches the server's statement log ({@code log_statement=ddl}),
 *     pg_stat_statements or an error message.</li>
 * <li>Attributes are changed only where they differ: on RDS/Aurora the master user is not a superuser, and
 *     PostgreSQL refuses even a no-op {@code NOSUPERUSER}/{@code NOBYPASSRLS} from it.</li>
 * <li>All of it is one transaction: the login appears fully set up or not at all. Two deploys racing to
 *     create the role make one fail with duplicate_object; it retries once and finds the role there.</li>
 * </ul>
 * Cost: one round of catalog reads and up to four statements per deploy. Hazard: the password is reset on
 * every deploy (same value, new salt); sessions already open stay open.
 */
final class AppLoginRole {

    static final String GROUP_ROLE = "paddock_app";

    private AppLoginRole() {
    }

    static void ensure(Connection connection, DatabaseLogin login) throws SQLException {
        connection.setAutoCommit(false);
        try {
            try {
                ensureOnce(connection, login);
            } catch (SQLException e) {
                connection.rollback();
                if (!isDuplicateRole(e)) {
                    throw e;
                }
                ensureOnce(connection, login); // another deploy created it between our read and our CREATE
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    private static void ensureOnce(Connection connection, DatabaseLogin login) throws SQLException {
        String name = login.username();
        Attributes current = read(connection, name);
        if (current == null) {
            execute(connection, "CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS", name);
        } else {
            List<String> fixes = new ArrayList<>();
            if (!current.canLogin) {
                fixes.add("LOGIN");
            }
            if (current.superuser) {
                fixes.add("NOSUPERUSER");
            }
            if (current.createDb) {
                fixes.add("NOCREATEDB");
            }
            if (current.createRole) {
                fixes.add("NOCREATEROLE");
            }
            if (current.bypassRls) {
                fixes.add("NOBYPASSRLS");
            }
            if (!fixes.isEmpty()) {
                // fixed keywords only; the name is the one value and goes through %I
                execute(connection, "ALTER ROLE %I " + String.join(" ", fixes), name);
            }
        }
        // null: hash the way the server's password_encryption says, as a plain ALTER ROLE would have
        connection.unwrap(PGConnection.class).alterUserPassword(name, login.password().toCharArray(), null);
        if (!isDirectMember(connection, name)) {
            execute(connection, "GRANT " + GROUP_ROLE + " TO %I", name);
        }
        connection.commit();
    }

    private record Attributes(boolean canLogin, boolean superuser, boolean createDb, boolean createRole, boolean bypassRls) {
    }

    private static Attributes read(Connection connection, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Attributes(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5)) : null;
            }
        }
    }

    private static boolean isDirectMember(Connection connection, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                               JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                               JOIN pg_catalog.pg_roles u ON u.oid = m.member
                               WHERE g.rolname = ? AND u.rolname = ?)""")) {
            ps.setString(1, GROUP_ROLE);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Runs {@code template} with its one {@code %I} filled in by PostgreSQL's own identifier quoting. */
    private static void execute(Connection connection, String template, String identifier) throws SQLException {
        String sql;
        try (PreparedStatement ps = connection.prepareStatement("SELECT format(?::text, ?::text)")) {
            ps.setString(1, template);
            ps.setString(2, identifier);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sql = rs.getString(1);
            }
        }
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private static boolean isDuplicateRole(SQLException e) {
        // duplicate_object from CREATE ROLE; unique_violation when two CREATEs collide in the catalog index
        return "42710".equals(e.getSQLState()) || "23505".equals(e.getSQLState());
    }
}
