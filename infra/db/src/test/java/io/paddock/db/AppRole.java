package io.paddock.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Connections that act as the application: the session switched to paddock_app (a member of it is what
 * the application logs in as), and the request's identity set per transaction, as the services do.
 */
final class AppRole {

    private AppRole() {
    }

    static Connection connect(String database) throws SQLException {
        Connection c = TestPostgres.superuser(database);
        try (Statement s = c.createStatement()) {
            s.execute("SET ROLE paddock_app");
        }
        return c;
    }

    /** Starts a transaction in which the caller is {@code userId} with {@code role} (either may be null). */
    static void begin(Connection c, Object userId, String role) throws SQLException {
        begin(c, userId, role, null);
    }

    static void begin(Connection c, Object userId, String role, String anonymousId) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.user_id', ?, true), "
                + "set_config('app.role', ?, true), set_config('app.anonymous_id', ?, true)")) {
            ps.setString(1, userId == null ? "" : userId.toString());
            ps.setString(2, role == null ? "" : role);
            ps.setString(3, anonymousId == null ? "" : anonymousId);
            ps.execute();
        }
    }
}
