package io.paddock.db.deploy;

import io.paddock.db.Migrations;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The DataSource Flyway and the login-role step use: plain connections to the writer, every one of which
 * {@link #abortAll} can cut at once. Why: a migration blocked on a lock, or slower than the function's time
 * left, cannot be interrupted from Java, but closing its socket can. PostgreSQL then rolls back the
 * transaction in progress and releases Flyway's advisory lock, so nothing is left half-applied or locked
 * when the custom resource answers FAILED.
 *
 * <p>Connect, login and a cancel are bounded (10 s, 20 s, 5 s, unless the URL names its own); statements are not, as a
 * long migration is legitimate: the deadline in {@link SchemaDeployment} bounds them instead.
 */
final class AbortableConnections implements DataSource {

    static final String APPLICATION_NAME = "paddock-migrations-custom-resource";

    private final Migrations.Target target;
    private final Properties settings = new Properties();
    private final Set<Connection> opened = ConcurrentHashMap.newKeySet();
    private volatile boolean aborted;

    AbortableConnections(Migrations.Target target) {
        this.target = target;
        settings.setProperty("connectTimeout", "10");
        settings.setProperty("loginTimeout", "20");
        settings.setProperty("cancelSignalTimeout", "5");
        settings.setProperty("tcpKeepAlive", "true");
        // names the session in pg_stat_activity, so an operator sees who holds the migration lock
        settings.setProperty("ApplicationName", APPLICATION_NAME);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (aborted) {
            throw new SQLException("abandoned: the deadline passed");
        }
        Connection connection = target.connect(settings);
        opened.add(connection);
        if (aborted) { // abortAll ran while this one was connecting
            abort(connection);
            throw new SQLException("abandoned: the deadline passed");
        }
        return connection;
    }

    /**
     * Cancels what every connection is running, then closes its socket; later getConnection calls fail.
     * Both, because a closed socket alone goes unnoticed by a backend waiting on a lock: it would wait on,
     * holding Flyway's lock, and carry on with the migration once the lock came free. The cancel (sent on
     * a fresh connection, bounded by cancelSignalTimeout) ends the wait and rolls the transaction back; the
     * closed socket then ends the session. Never throws.
     */
    void abortAll() {
        aborted = true;
        for (Connection connection : opened) {
            abort(connection);
        }
    }

    private static void abort(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.unwrap(PGConnection.class).cancelQuery();
            }
        } catch (SQLException | RuntimeException e) {
            // nothing running, or unreachable: the abort below still ends the session
        }
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            // already closed or broken: either way the server session is ending
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the credentials come from the admin secret");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 20;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
