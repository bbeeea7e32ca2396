package io.paddock.auth;

import io.paddock.shared.db.Database;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The tests' own writes and counts, straight in the store beside the routes under test: what a route must find or
 * must have removed. As the application role, or as an admin where usage_events' row-level security would hide
 * another user's rows ({@code app.role}, set for the one transaction).
 */
@ApplicationScoped
class DirectSql {

    private final Database database;

    DirectSql(Database database) {
        this.database = database;
    }

    void update(String statement, Object... values) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
            bind(s, values);
            s.executeUpdate();
        }
    }

    void updateAsAdmin(String statement, Object... values) throws SQLException {
        asAdmin(statement, values, s -> {
            s.executeUpdate();
            return 0L;
        });
    }

    long count(String query, Object... values) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(query)) {
            bind(s, values);
            return first(s);
        }
    }

    long countAsAdmin(String query, Object... values) throws SQLException {
        return asAdmin(query, values, DirectSql::first);
    }

    private interface Statement {
        long run(PreparedStatement s) throws SQLException;
    }

    private long asAdmin(String sql, Object[] values, Statement statement) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement admin = c.prepareStatement("SELECT set_config('app.role', 'admin', true)");
                    PreparedStatement s = c.prepareStatement(sql)) {
                admin.execute();
                bind(s, values);
                return statement.run(s);
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }

    private static long first(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void bind(PreparedStatement s, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            s.setObject(i + 1, values[i]);
        }
    }
}
