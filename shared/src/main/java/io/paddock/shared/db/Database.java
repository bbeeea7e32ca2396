package io.paddock.shared.db;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.AgroalSecurityProvider;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.iam.IamAuthTokens;
import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.resilience.Backoff;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The PostgreSQL pool of one function container. Built once, opens no connection until the first use
 * (and {@link #dropConnections} empties it before a SnapStart snapshot and after each restore), and keeps to what RDS Proxy / PgBouncer transaction pooling can
 * multiplex: no server-side prepared statements ({@code prepareThreshold=0}), no session state — the
 * driver's own settings travel in the startup packet ({@code assumeMinServerVersion}), not as {@code SET}s
 * after it — and per-request settings go through {@link #inTransaction} with {@code set_config(..., true)}.
 *
 * <p>With {@code paddock.database.iam-auth} each new connection signs in with an IAM auth token
 * ({@link IamAuthTokens#rdsProxy}) instead of a password, over TLS. Agroal asks its security providers for a
 * connection's properties every time it opens one, so the token is the cached one while it is young and a
 * fresh one after; a connection already open keeps working past its token's 15 minutes (only the sign-in
 * is checked). When no credentials can be had, opening a connection fails with SQLState 08001 — to the
 * callers, PostgreSQL is unavailable.
 *
 * <p>A request waits for one of the pool's connections here, in turn, rather than inside Agroal, so that it
 * can stop waiting the moment another request of the container finds PostgreSQL down: the breaker opens
 * and every waiting request answers 503 at once. An outage then costs a container the waits of the
 * requests holding connections, not one acquisition timeout per waiting request. Code that takes
 * connections from {@link #dataSource()} directly (tools, tests) bypasses the turn and may make a request
 * wait inside Agroal again.
 */
@ApplicationScoped
public class Database {

    /** Opening a connection is retried this often: nothing was sent, so any work may be retried. */
    static final int CONNECT_ATTEMPTS = 2;
    private static final long FAST_FAILURE_NANOS = 250_000_000L;
    /** How late a waiting request notices the breaker opened: a semaphore cannot be woken by someone else's event. */
    private static final long TURN_CHECK_NANOS = 20_000_000L;

    private final AgroalDataSource dataSource;
    private final StoreBreaker breaker;
    /** One permit per pool connection: whoever holds one finds a connection idle or room to open one. */
    private final Semaphore turns;
    private final Duration acquisitionTimeout;
    /** The IAM sign-in's tokens, when {@code paddock.database.iam-auth} is on. */
    private final Optional<IamAuthTokens> iamTokens;

    /** Outside a container (benchmarks, tools): a breaker of its own, transitions unreported. */
    public Database(PaddockConfig config) {
        this(config, StoreBreaker.unobserved("postgres"));
    }

    @Inject
    public Database(PaddockConfig config, StoreBreakers breakers) {
        this(config, breakers.postgres());
    }

    private Database(PaddockConfig config, StoreBreaker breaker) {
        this(config, breaker, IamSignIn.PRODUCTION);
    }

    /**
     * How IAM mode signs in. Production: the function's role, the system clock, TLS required. Tests give fixed
     * credentials and clock (so the token is known in advance) and, since embedded PostgreSQL has no TLS, may
     * connect without it — through this package-private door only, never through a setting.
     */
    record IamSignIn(Supplier<AwsCredentialsProvider> credentials, Clock clock, boolean requireTls) {
        static final IamSignIn PRODUCTION = new IamSignIn(() -> DefaultCredentialsProvider.builder().build(),
                Clock.systemUTC(), true);
    }

    Database(PaddockConfig config, StoreBreaker breaker, IamSignIn iam) {
        this.breaker = breaker;
        PaddockConfig.Database db = config.database();
        this.turns = new Semaphore(db.poolMaxSize(), true);
        this.acquisitionTimeout = db.acquisitionTimeout();
        DatabaseUrl url = DatabaseUrl.parse(db.url().orElseThrow(
                () -> new IllegalStateException("paddock.database.url (env DATABASE_URL) is not set")));
        Optional<String> givenUser = db.username().filter(s -> !s.isBlank()).or(url::username);
        Optional<String> givenPassword = db.password().filter(s -> !s.isBlank()).or(url::password);
        Object credential;
        IamAuthTokens tokens = null;
        if (db.iamAuth()) {
            // ConfigCheck reports these at start with every other problem; here they only keep the pool honest.
            String user = givenUser.orElseThrow(() -> new IllegalStateException(
                    "paddock.database.iam-auth needs the database user (DATABASE_USER)"));
            if (givenPassword.filter(s -> !s.isEmpty()).isPresent()) {
                throw new IllegalStateException("paddock.database.iam-auth signs in with IAM tokens: remove DATABASE_PASSWORD "
                        + "and any password in DATABASE_URL");
            }
            if (iam.requireTls()) {
                url = url.withTlsRequired();
            }
            DatabaseUrl.Endpoint endpoint = url.endpoint();
            String region = config.awsRegion().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                    "paddock.database.iam-auth needs the region to sign for (AWS_REGION)"));
            tokens = IamAuthTokens.rdsProxy(endpoint.host(), endpoint.port(), user, region,
                    iam.credentials().get(), iam.clock());
            credential = new IamToken(tokens);
        } else {
            credential = new SimplePassword(givenPassword.orElse(""));
        }
        this.iamTokens = Optional.ofNullable(tokens);
        String user = givenUser.orElse("postgres");
        String jdbcUrl = withDriverSettings(url.jdbcUrl(), db.connectTimeout(), db.socketTimeout());
        try {
            this.dataSource = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    // The pool's own counts (a few counters per acquisition): dropConnections waits on them.
                    .metricsEnabled(true)
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
                                    .credential(credential)
                                    .addSecurityProvider(IamToken.AS_PASSWORD))));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot build the PostgreSQL pool: " + e.getMessage(), e);
        }
    }

    /** A credential Agroal turns into a password each time it opens a connection. */
    private record IamToken(IamAuthTokens tokens) {
        static final AgroalSecurityProvider AS_PASSWORD = credential -> {
            if (!(credential instanceof IamToken token)) {
                return null;
            }
            Properties properties = new Properties();
            properties.setProperty("password", token.tokens().current());
            return properties;
        };

        /** Never the token. */
        @Override
        public String toString() {
            return tokens.toString();
        }
    }

    /**
     * The driver settings every connection gets, unless the URL chose otherwise. {@code assumeMinServerVersion}
     * lets the driver put {@code application_name} in the startup packet; without it the driver sends
     * {@code SET application_name} after connecting, and RDS Proxy pins every such session to its backend.
     */
    static String withDriverSettings(String jdbcUrl, Duration connectTimeout, Duration socketTimeout) {
        StringBuilder url = new StringBuilder(jdbcUrl);
        char sep = jdbcUrl.contains("?") ? '&' : '?';
        for (String setting : new String[] {
                "prepareThreshold=0",
                "connectTimeout=" + Math.max(1, connectTimeout.toSeconds()),
                "socketTimeout=" + Math.max(1, socketTimeout.toSeconds()),
                "tcpKeepAlive=true",
                "assumeMinServerVersion=12",
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

    /** Requests waiting for a turn at the pool now; tests use it to know a request is waiting before they act. */
    int requestsWaitingForATurn() {
        return turns.getQueueLength();
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     * While PostgreSQL is known to be down (its breaker is open, or opens while this request waits for a
     * connection) it fails at once with SQLState 08000, which every caller already treats as "unavailable"
     * (503, or its degraded path).
     */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        StoreBreaker.Admission admission = breaker.admit();
        long started = System.nanoTime();
        boolean turn;
        try {
            turn = admission != StoreBreaker.Admission.REFUSED && awaitTurn(admission);
        } catch (SQLException noConnectionInTime) {
            breaker.failed(noConnectionInTime);
            RequestRecords.current().storeCall("postgres", "transaction", (System.nanoTime() - started) / 1_000_000, false);
            throw noConnectionInTime;
        }
        if (!turn) {
            throw new SQLTransientConnectionException("PostgreSQL is unavailable (breaker open)", "08000");
        }
        boolean ok = false;
        boolean connected = false;
        boolean failureReported = false;
        try (Connection connection = connect()) {
            connected = true;
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
                failureReported = true;
                breaker.failed(e);
            } else {
                ok = true; // the store answered; the work was refused (constraint, bad input)
            }
            throw e;
        } finally {
            turns.release();
            // A connection validated on borrow is an answer, whatever the work then threw; reporting it keeps a
            // trial from being lost to a bug in the work.
            if (ok || (connected && !failureReported)) {
                breaker.succeeded();
            }
            RequestRecords.current().storeCall("postgres", "transaction", (System.nanoTime() - started) / 1_000_000, ok);
        }
    }

    /**
     * Waits, at most the pool's acquisition timeout, for a turn at the pool's connections. A request admitted
     * while the breaker was closed gives up as soon as it opens; the trial (and a health probe) wait on, since
     * they are the ones finding out.
     *
     * <p>Hazards: the wait is taken in slices of {@link #TURN_CHECK_NANOS} to look at the breaker, and a waiter
     * whose slice ends queues again behind newer ones, so turns are not strictly first come, first served (nor
     * are they inside Agroal, where every waiter competes at each release). A turn taken late in its wait leaves
     * Agroal's own acquisition timeout to opening the connection, so such a request can wait up to twice the
     * timeout in all.
     *
     * @return false when the breaker opened while this request waited (it holds no turn)
     * @throws SQLException with no SQLState and "acquisition timeout" in its message when no connection was free in
     *         time: what Agroal throws then, and what {@link #unavailable} recognises
     */
    private boolean awaitTurn(StoreBreaker.Admission admission) throws SQLException {
        return awaitTurn(admission == StoreBreaker.Admission.ADMITTED, acquisitionTimeout);
    }

    private boolean awaitTurn(boolean givesUpWhenOpen, Duration limit) throws SQLException {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                if (givesUpWhenOpen && breaker.state() == StoreBreaker.State.open) {
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SQLException("acquisition timeout: no PostgreSQL connection free within " + limit.toMillis() + " ms");
                }
                if (turns.tryAcquire(Math.min(left, TURN_CHECK_NANOS), TimeUnit.NANOSECONDS)) {
                    if (givesUpWhenOpen && breaker.state() == StoreBreaker.State.open) {
                        turns.release();
                        return false;
                    }
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a PostgreSQL connection", "08000", e);
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
                return open();
            } catch (SQLException e) {
                boolean fast = System.nanoTime() - started < FAST_FAILURE_NANOS;
                if (attempt == CONNECT_ATTEMPTS || !fast || !unavailable(e)) {
                    throw e;
                }
                Backoff.pause(attempt);
            }
        }
    }

    /** A pooled connection; no credentials to sign an IAM token with is, to the caller, no PostgreSQL. */
    private Connection open() throws SQLException {
        try {
            return dataSource.getConnection();
        } catch (IamAuthTokens.Unavailable e) {
            throw new SQLNonTransientConnectionException(e.getMessage(), "08001", e);
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is gone with the store; the pool discards it on return.
        }
    }

    /**
     * The store did not answer (connection class 08, a timeout, breaker open), as opposed to refusing the
     * work. Callers that keep work for later (telemetry parks batches) ask this, so that only an outage is
     * kept and a refusal is answered as one.
     */
    public static boolean unavailable(SQLException e) {
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

    /**
     * A round trip to the server bounded by {@code timeout}; throws when it does not answer in time. It takes its
     * turn like a request but ignores the breaker: it is how a health check sees PostgreSQL back.
     */
    public void ping(Duration timeout) throws SQLException {
        awaitTurn(false, timeout);
        try (Connection connection = open();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            statement.execute("SELECT 1");
        } finally {
            turns.release();
        }
    }

    /**
     * Closes every connection of the pool and forgets the IAM sign-in token, for a SnapStart snapshot: a
     * connection opened before the snapshot is dead in every copy restored from it (the server, or RDS Proxy,
     * never saw the restore, and a copy's socket is no one's), and {@code validateOnBorrow} would only find
     * that out by waiting for the validation's answer — up to the socket timeout — on the first request.
     * Connections in use are closed too: call this only while no request runs (the runtime hooks of
     * {@code snapshot.SnapshotHooks} run between invocations). The next request opens a new connection.
     *
     * <p>Agroal flushes on its housekeeping thread; this waits until the pool is empty, at most {@code limit}.
     *
     * @return how many connections the pool held when asked
     */
    public long dropConnections(Duration limit) {
        iamTokens.ifPresent(IamAuthTokens::forget);
        long held = pooledConnections();
        dataSource.flush(AgroalDataSource.FlushMode.ALL);
        long deadline = System.nanoTime() + limit.toNanos();
        while (pooledConnections() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return held;
    }

    /** Connections the pool holds now, idle or in use. */
    public long pooledConnections() {
        return dataSource.getMetrics().activeCount() + dataSource.getMetrics().availableCount();
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
