package io.paddock.shared.db;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.resilience.Backoff;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The PostgreSQL pool of one function container. Built once, opens no connection until the first use
 * (so a SnapStart snapshot holds none), and keeps to what RDS Proxy / PgBouncer transaction pooling can
 * multiplex: no server-side prepared statements ({@code prepareThreshold=0}) and no session state;
 * per-request settings go through {@link #inTransaction} with {@code set_config(..., true)}.
 */
@ApplicationScoped
public class Database {

    /** Opening a connection is retried this often: nothing was sent, so any work may be retried. */
    static final int CONNECT_ATTEMPTS = 2;
    private static final long FAST_FAILURE_NANOS = 250_000_000L;

    private final AgroalDataSource dataSource;
    private final StoreBreaker breaker;

    /** Outside a container (benchmarks, tools): a breaker of its own, transitions unreported. */
    public Database(PaddockConfig config) {
        this(config, StoreBreaker.unobserved("postgres"));
    }

    @Inject
    public Database(PaddockConfig config, StoreBreakers breakers) {
        this(config, breakers.postgres());
    }

    private Database(PaddockConfig config, StoreBreaker breaker) {
        this.breaker = breaker;
        PaddockConfig.Database db = config.database();
        DatabaseUrl url = DatabaseUrl.parse(db.url().orElseThrow(
                () -> new IllegalStateException("paddock.database.url (env DATABASE_URL) is not set")));
        String user = db.username().filter(s -> !s.isBlank()).or(url::username).orElse("postgres");
        String password = db.password().filter(s -> !s.isBlank()).or(url::password).orElse("");
        String jdbcUrl = withDriverSettings(url.jdbcUrl(), db.connectTimeout(), db.socketTimeout());
        try {
            this.dataSource = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(pool -> pool
                            .minSize(0)
                            .initialSize(0)
                            .maxSize(db.poolMaxSize())
                            .acquisitionTimeout(db.acquisitionTimeout())
                            .validationTimeout(Duration.ofSeconds(30))
                            .reapTimeout(Duration.ofMinutes(5))
                            .maxLifetime(Duration.ofMinutes(30))
                            .validateOnBorrow(true)
                            .connectionValidator(AgroalConnectionPoolConfiguration.ConnectionValidator.defaultValidator())
                            .connectionFactoryConfiguration(factory -> factory
                                    .jdbcUrl(jdbcUrl)
                                    .autoCommit(true)
                                    .loginTimeout(db.connectTimeout())
                                    .principal(new NamePrincipal(user))
                                    .credential(new SimplePassword(password)))));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot build the PostgreSQL pool: " + e.getMessage(), e);
        }
    }

    static String withDriverSettings(String jdbcUrl, Duration connectTimeout, Duration socketTimeout) {
        StringBuilder url = new StringBuilder(jdbcUrl);
        char sep = jdbcUrl.contains("?") ? '&' : '?';
        for (String setting : new String[] {
                "prepareThreshold=0",
                "connectTimeout=" + Math.max(1, connectTimeout.toSeconds()),
                "socketTimeout=" + Math.max(1, socketTimeout.toSeconds()),
                "tcpKeepAlive=true",
                "ApplicationName=paddock"}) {
            String key = setting.substring(0, setting.indexOf('=') + 1);
            if (!jdbcUrl.contains(key)) {
                url.append(sep).append(setting);
                sep = '&';
            }
        }
        return url.toString();
    }

    public AgroalDataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     * While PostgreSQL is known to be down (its breaker is open) it fails at once with SQLState 08000,
     * which every caller already treats as "unavailable" (503, or its degraded path).
     */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        if (!breaker.allowsRequest()) {
            throw new SQLTransientConnectionException("PostgreSQL is unavailable (breaker open)", "08000");
        }
        long started = System.nanoTime();
        boolean ok = false;
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                ok = true;
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            if (unavailable(e)) {
                breaker.failed(e);
            } else {
                ok = true; // the store answered; the work was refused (constraint, bad input)
            }
            throw e;
        } finally {
            if (ok) {
                breaker.succeeded();
            }
            RequestRecords.current().storeCall("postgres", "transaction", (System.nanoTime() - started) / 1_000_000, ok);
        }
    }

    /**
     * A connection, with one retry after a jittered pause when opening it failed fast (a reset or
     * refused connection, e.g. a proxy failing over). A slow failure is not retried: the pool has
     * already spent its acquisition timeout trying, and a second wait would only double it.
     */
    private Connection connect() throws SQLException {
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                return dataSource.getConnection();
            } catch (SQLException e) {
                boolean fast = System.nanoTime() - started < FAST_FAILURE_NANOS;
                if (attempt == CONNECT_ATTEMPTS || !fast || !unavailable(e)) {
                    throw e;
                }
                Backoff.pause(attempt);
            }
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is gone with the store; the pool discards it on return.
        }
    }

    /** The store did not answer (connection class 08, a timeout), as opposed to refusing the work. */
    static boolean unavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P03"))) {
                    return true;
                }
                if (sql instanceof java.sql.SQLTransientConnectionException || sql instanceof java.sql.SQLTimeoutException) {
                    return true;
                }
            }
            if (t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        // Agroal's acquisition timeout carries no SQLState.
        return e.getSQLState() == null && String.valueOf(e.getMessage()).contains("cquisition timeout");
    }

    /** A round trip to the server bounded by {@code timeout}; throws when it does not answer in time. */
    public void ping(Duration timeout) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            statement.execute("SELECT 1");
        }
    }

    @PreDestroy
    void close() {
        dataSource.close();
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
