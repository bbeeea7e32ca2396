package io.paddock.shared.db;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.paddock.shared.config.PaddockConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
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

    private final AgroalDataSource dataSource;

    public Database(PaddockConfig config) {
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

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
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
