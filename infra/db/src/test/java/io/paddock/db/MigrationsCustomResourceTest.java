package io.paddock.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.paddock.db.deploy.MigrationsCustomResource;
import io.paddock.db.deploy.Secrets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The migrations custom resource as CloudFormation drives it: real events in, real PUTs out to an HTTP server
 * on 127.0.0.1 standing in for the presigned S3 ResponseURL, real migrations on the embedded PostgreSQL 17.
 * Secrets come from a map through the handler's {@link Secrets} seam.
 */
class MigrationsCustomResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:paddock-admin-AbCdEf";
    private static final String APP_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:paddock-app-GhIjKl";
    /** The embedded server trusts postgres, so this is never checked: it is here to be looked for in the output. */
    private static final String ADMIN_PASSWORD = "admin-Pa55-never-shown";
    private static final Duration RESERVE = Duration.ofSeconds(2);

    private static CloudFormationStandIn cloudFormation;

    @BeforeAll
    static void start() throws IOException {
        cloudFormation = CloudFormationStandIn.start();
    }

    @AfterAll
    static void stop() {
        cloudFormation.stop();
    }

    @Test
    void aCreateMigratesAnEmptyDatabaseAndReportsTheSchemaVersion() throws Exception {
        String db = TestPostgres.createDatabase("cr_create", null);
        Invocation create = invoke(handler(db, Map.of()), event("Create", null), Duration.ofSeconds(60));

        Put put = create.put;
        assertEquals("PUT", put.method);
        String contentType = put.headers.getFirst("Content-Type");
        assertTrue(contentType == null || contentType.isEmpty(), "S3 checks the signed Content-Type: " + contentType);
        assertEquals(String.valueOf(put.body.length), put.headers.getFirst("Content-Length"));

        JsonNode answer = put.json();
        assertEquals("SUCCESS", answer.get("Status").asText(), answer.toString());
        assertEquals("paddock-schema", answer.get("PhysicalResourceId").asText());
        assertEquals(create.event.get("StackId"), answer.get("StackId").asText());
        assertEquals(create.event.get("RequestId"), answer.get("RequestId").asText());
        assertEquals(create.event.get("LogicalResourceId"), answer.get("LogicalResourceId").asText());
        assertEquals(LatestMigration.VERSION, answer.get("Data").get("SchemaVersion").asText());
        assertEquals(String.valueOf(LatestMigration.COUNT), answer.get("Data").get("Applied").asText());

        assertEquals(LatestMigration.VERSION, appliedVersion(db));
        assertEquals(0, count(db, "SELECT count(*) FROM flyway_schema_history WHERE NOT success"));
        create.assertNeverShows(ADMIN_PASSWORD);
    }

    @Test
    void anUpdateAfterACreateAppliesNothingAndReportsTheSameVersion() throws Exception {
        String db = TestPostgres.createDatabase("cr_update", null);
        MigrationsCustomResource handler = handler(db, Map.of());
        JsonNode created = invoke(handler, event("Create", null), Duration.ofSeconds(60)).put.json();
        assertEquals("SUCCESS", created.get("Status").asText(), created.toString());

        JsonNode updated = invoke(handler, event("Update", "paddock-schema"), Duration.ofSeconds(60)).put.json();
        assertEquals("SUCCESS", updated.get("Status").asText(), updated.toString());
        assertEquals("paddock-schema", updated.get("PhysicalResourceId").asText(), "a changed id would make CloudFormation replace it");
        assertEquals(LatestMigration.VERSION, updated.get("Data").get("SchemaVersion").asText());
        assertEquals("0", updated.get("Data").get("Applied").asText());
        assertEquals(LatestMigration.COUNT, count(db, "SELECT count(*) FROM flyway_schema_history WHERE version IS NOT NULL"));
    }

    @Test
    void theAppLoginLogsInAsAMemberOfPaddockAppCannotCreateTablesAndFollowsItsSecretsPassword() throws Exception {
        LoginsNeedPasswords.require();
        String db = TestPostgres.createDatabase("cr_login", null);
        // a name and a password that break anything but proper quoting
        String login = "cr_login_Paddock-App";
        String firstPassword = "it's \"first\" $1; --";
        Map<String, String> env = Map.of("DATABASE_APP_LOGIN_SECRET_ARN", APP_SECRET);

        Invocation create = invoke(handler(db, env, Map.of(APP_SECRET, secret(login, firstPassword))),
                event("Create", null), Duration.ofSeconds(60));
        JsonNode created = create.put.json();
        assertEquals("SUCCESS", created.get("Status").asText(), created.toString());
        assertTrue(created.get("Reason").asText().contains(login), created.toString());
        create.assertNeverShows(firstPassword);

        try (Connection c = TestPostgres.superuser(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, "
                        + "pg_has_role(rolname, 'paddock_app', 'MEMBER'), has_schema_privilege(rolname, 'public', 'CREATE'), "
                        + "has_database_privilege(rolname, current_database(), 'CREATE') "
                        + "FROM pg_roles WHERE rolname = 'cr_login_Paddock-App'")) {
            assertTrue(rs.next(), "the login role exists");
            assertTrue(rs.getBoolean(1), "LOGIN");
            assertFalse(rs.getBoolean(2), "NOSUPERUSER");
            assertFalse(rs.getBoolean(3), "NOCREATEDB");
            assertFalse(rs.getBoolean(4), "NOCREATEROLE");
            assertFalse(rs.getBoolean(5), "NOBYPASSRLS");
            assertTrue(rs.getBoolean(6), "member of paddock_app");
            assertFalse(rs.getBoolean(7), "no CREATE on the schema");
            assertFalse(rs.getBoolean(8), "no CREATE on the database");
        }

        try (Connection c = connectAs(db, login, firstPassword); Statement s = c.createStatement()) {
            SQLException refused = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE sneaky (id int)"));
            assertEquals("42501", refused.getSQLState(), refused.getMessage());
            // what the membership is for: the functions act as paddock_app and reach its tables
            s.execute("SET ROLE paddock_app");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM users")) {
                assertTrue(rs.next());
            }
        }

        String secondPassword = "rotated-" + UUID.randomUUID();
        JsonNode updated = invoke(handler(db, env, Map.of(APP_SECRET, secret(login, secondPassword))),
                event("Update", "paddock-schema"), Duration.ofSeconds(60)).put.json();
        assertEquals("SUCCESS", updated.get("Status").asText(), updated.toString());
        assertPasswordRefused(db, login, firstPassword);
        try (Connection c = connectAs(db, login, secondPassword); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            assertEquals(login, rs.getString(1));
        }
    }

    @Test
    void anExistingLoginWithPowersItShouldNotHaveIsCutBackToAPlainLogin() throws Exception {
        LoginsNeedPasswords.require();
        String db = TestPostgres.createDatabase("cr_legacy", null);
        TestPostgres.execute("postgres", "CREATE ROLE cr_login_legacy NOLOGIN CREATEDB CREATEROLE BYPASSRLS");

        JsonNode answer = invoke(handler(db, Map.of("DATABASE_APP_LOGIN_SECRET_ARN", APP_SECRET),
                        Map.of(APP_SECRET, secret("cr_login_legacy", "legacy-pw"))),
                event("Create", null), Duration.ofSeconds(60)).put.json();
        assertEquals("SUCCESS", answer.get("Status").asText(), answer.toString());
        assertEquals(1, count("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'cr_login_legacy' AND rolcanlogin "
                + "AND NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls) AND pg_has_role(rolname, 'paddock_app', 'MEMBER')"));
        connectAs(db, "cr_login_legacy", "legacy-pw").close();
    }

    @Test
    void anUnreachableDatabaseAnswersFailedWithAReasonThatNamesItAndNoPassword() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        MigrationsCustomResource handler = new MigrationsCustomResource(Map.of(
                "DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/paddock",
                "DATABASE_ADMIN_SECRET_ARN", ADMIN_SECRET,
                "DATABASE_APP_LOGIN_SECRET_ARN", APP_SECRET),
                secrets(Map.of(ADMIN_SECRET, secret("paddock_admin", ADMIN_PASSWORD),
                        APP_SECRET, secret("cr_login_unused", "app-Pa55-never-shown"))), RESERVE);

        Invocation create = invoke(handler, event("Create", null), Duration.ofSeconds(60));
        JsonNode answer = create.put.json();
        assertEquals("FAILED", answer.get("Status").asText(), answer.toString());
        String reason = answer.get("Reason").asText();
        assertTrue(reason.startsWith("migrate: "), reason);
        assertTrue(reason.contains("127.0.0.1:" + closedPort) && reason.contains("refused"), reason);
        assertFalse(reason.contains("\n") || reason.contains("\tat "), reason);
        assertEquals("paddock-schema", answer.get("PhysicalResourceId").asText());
        create.assertNeverShows(ADMIN_PASSWORD);
        create.assertNeverShows("app-Pa55-never-shown");
    }

    @Test
    void aDeleteAnswersSuccessAndLeavesTheSchemaAndItsDataInPlace() throws Exception {
        String db = TestPostgres.migratedDatabase("cr_delete");
        TestPostgres.execute(db, "INSERT INTO users (id, email, handle, password_hash) "
                + "VALUES (gen_random_uuid(), 'kept@example.com', 'kept', 'x')");
        int tables = count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        // Delete must not even look: a secret read or a connection would be a step towards touching data
        MigrationsCustomResource handler = new MigrationsCustomResource(Map.of(
                "DATABASE_URL", TestPostgres.jdbcUrl(db), "DATABASE_ADMIN_SECRET_ARN", ADMIN_SECRET),
                id -> fail("Delete read the secret " + id), RESERVE);

        JsonNode answer = invoke(handler, event("Delete", "paddock-schema"), Duration.ofSeconds(60)).put.json();
        assertEquals("SUCCESS", answer.get("Status").asText(), answer.toString());
        assertEquals("paddock-schema", answer.get("PhysicalResourceId").asText());
        assertEquals(tables, count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        assertEquals(1, count(db, "SELECT count(*) FROM users WHERE email = 'kept@example.com'"));
        assertEquals(LatestMigration.VERSION, appliedVersion(db));
    }

    @Test
    void theAnswerIsSentEvenWhenTheWorkThrowsUnexpectedly() throws Exception {
        String db = TestPostgres.createDatabase("cr_unexpected", null);
        // an Error, not an Exception: what a missing jar in the zip would throw
        Secrets broken = id -> {
            throw new NoClassDefFoundError("software/amazon/awssdk/services/secretsmanager/SecretsManagerClient");
        };
        MigrationsCustomResource handler = new MigrationsCustomResource(Map.of(
                "DATABASE_URL", TestPostgres.jdbcUrl(db), "DATABASE_ADMIN_SECRET_ARN", ADMIN_SECRET), broken, RESERVE);

        JsonNode answer = invoke(handler, event("Create", null), Duration.ofSeconds(60)).put.json();
        assertEquals("FAILED", answer.get("Status").asText(), answer.toString());
        assertTrue(answer.get("Reason").asText().contains("NoClassDefFoundError"), answer.toString());
        assertEquals(0, count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    @Test
    void aFailureWithAHugeMessageStillAnswersWithinCloudFormationsSizeLimit() throws Exception {
        String huge = "line of a very long failure\n".repeat(2000) + "and a non-ASCII ending: ü€😀".repeat(100);
        MigrationsCustomResource handler = new MigrationsCustomResource(Map.of(
                "DATABASE_URL", TestPostgres.jdbcUrl("postgres"), "DATABASE_ADMIN_SECRET_ARN", ADMIN_SECRET),
                id -> {
                    throw new IllegalStateException(huge);
                }, RESERVE);
        Map<String, String> event = event("Create", null);
        event.put("LogicalResourceId", "L".repeat(255)); // CloudFormation's longest

        Put put = invoke(handler, event, Duration.ofSeconds(60)).put;
        assertTrue(put.body.length <= 4096, put.body.length + " bytes");
        assertEquals("FAILED", put.json().get("Status").asText());
        assertFalse(put.json().get("Reason").asText().contains("\n"));
    }

    @Test
    void aMissingSettingAnswersFailedNamingIt() throws Exception {
        MigrationsCustomResource handler = new MigrationsCustomResource(
                Map.of("DATABASE_URL", TestPostgres.jdbcUrl("postgres")), secrets(Map.of()), RESERVE);
        JsonNode answer = invoke(handler, event("Create", null), Duration.ofSeconds(60)).put.json();
        assertEquals("FAILED", answer.get("Status").asText());
        assertTrue(answer.get("Reason").asText().contains("DATABASE_ADMIN_SECRET_ARN"), answer.toString());
    }

    @Test
    void workThatCannotFinishInTheTimeLeftIsCutOffAndAnsweredFailedBeforeTheFunctionTimesOut() throws Exception {
        String db = TestPostgres.migratedDatabase("cr_deadline");
        MigrationsCustomResource handler = handler(db, Map.of());
        // Another session holds the history table: Flyway waits on it, as it would behind a long migration.
        try (Connection holder = TestPostgres.superuser(db); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("LOCK TABLE flyway_schema_history IN ACCESS EXCLUSIVE MODE");
            long started = System.nanoTime();
            Invocation answered = invoke(handler, event("Update", "paddock-schema"), RESERVE.plusSeconds(3));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < RESERVE.plusSeconds(3).toMillis(), "answered before the timeout: " + tookMillis + " ms");
            JsonNode answer = answered.put.json();
            assertEquals("FAILED", answer.get("Status").asText(), answer.toString());
            assertTrue(answer.get("Reason").asText().contains("did not finish"), answer.toString());

            // While the blocker still holds on, none of the function's sessions is left waiting behind it
            // (holding Flyway's lock, or ready to carry on after the answer went out).
            awaitNoSessionsOf("paddock-migrations-custom-resource", db);
            assertEquals(1, count(db, "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' "
                    + "AND relation = 'flyway_schema_history'::regclass"), "the cut-off was the function's own");
            holder.rollback();
        }
        JsonNode retried = invoke(handler, event("Update", "paddock-schema"), Duration.ofSeconds(60)).put.json();
        assertEquals("SUCCESS", retried.get("Status").asText(), retried.toString());
    }

    @Test
    void concurrentCreatesOfOneDatabaseBothSucceedAndApplyEachMigrationOnce() throws Exception {
        LoginsNeedPasswords.require();
        String db = TestPostgres.createDatabase("cr_concurrent", null);
        MigrationsCustomResource handler = handler(db, Map.of("DATABASE_APP_LOGIN_SECRET_ARN", APP_SECRET),
                Map.of(APP_SECRET, secret("cr_login_concurrent", "concurrent-pw")));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Invocation>> runs = Stream.of(1, 2)
                    .map(i -> pool.submit(() -> invoke(handler, event("Create", null), Duration.ofSeconds(60)))).toList();
            int applied = 0;
            for (Future<Invocation> run : runs) {
                JsonNode answer = run.get(90, TimeUnit.SECONDS).put.json();
                assertEquals("SUCCESS", answer.get("Status").asText(), answer.toString());
                assertEquals(LatestMigration.VERSION, answer.get("Data").get("SchemaVersion").asText());
                applied += answer.get("Data").get("Applied").asInt();
            }
            assertEquals(LatestMigration.COUNT, applied, "each migration applied by exactly one of them");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(LatestMigration.COUNT, count(db, "SELECT count(DISTINCT version) FROM flyway_schema_history WHERE version IS NOT NULL AND success"));
        connectAs(db, "cr_login_concurrent", "concurrent-pw").close();
    }

    @Test
    void anEventWithoutAResponseUrlIsRefusedAsNothingCanBeAnswered() {
        MigrationsCustomResource handler = new MigrationsCustomResource(Map.of(), secrets(Map.of()), RESERVE);
        InvocationContext context = new InvocationContext(Duration.ofSeconds(60));
        assertThrows(IllegalArgumentException.class, () -> handler.handleRequest(
                new ByteArrayInputStream("{\"RequestType\":\"Create\"}".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), context));
        assertTrue(context.logs.stream().anyMatch(l -> l.contains("ResponseURL")), context.logs.toString());
    }

    // ---- the pieces the tests are made of ----

    private static MigrationsCustomResource handler(String db, Map<String, String> extraEnv) {
        return handler(db, extraEnv, Map.of());
    }

    private static MigrationsCustomResource handler(String db, Map<String, String> extraEnv, Map<String, String> extraSecrets) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("DATABASE_URL", TestPostgres.jdbcUrl(db));
        env.put("DATABASE_ADMIN_SECRET_ARN", ADMIN_SECRET);
        Map<String, String> values = new HashMap<>(extraSecrets);
        values.put(ADMIN_SECRET, secret("postgres", ADMIN_PASSWORD));
        return new MigrationsCustomResource(env, secrets(values), RESERVE);
    }

    private static Secrets secrets(Map<String, String> values) {
        return id -> {
            String value = values.get(id);
            if (value == null) {
                throw new IllegalStateException("Secrets Manager can't find the specified secret " + id);
            }
            return value;
        };
    }

    private static String secret(String username, String password) {
        try {
            return JSON.writeValueAsString(Map.of("username", username, "password", password, "engine", "postgres"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CloudFormation custom resource event as documented, answering to the stand-in. */
    private static Map<String, String> event(String requestType, String physicalResourceId) {
        Map<String, String> event = new LinkedHashMap<>();
        event.put("RequestType", requestType);
        event.put("ServiceToken", "arn:aws:lambda:eu-west-1:123456789012:function:paddock-migrations");
        event.put("ResponseURL", cloudFormation.responseUrl());
        event.put("StackId", "arn:aws:cloudformation:eu-west-1:123456789012:stack/paddock/" + UUID.randomUUID());
        event.put("RequestId", UUID.randomUUID().toString());
        event.put("LogicalResourceId", "SchemaMigrations");
        event.put("ResourceType", "Custom::SchemaMigrations");
        if (physicalResourceId != null) {
            event.put("PhysicalResourceId", physicalResourceId);
        }
        return event;
    }

    private record Invocation(Map<String, String> event, Put put, byte[] output, List<String> logs) {
        /** Not in the answer, not in the function's log, not in its output. */
        void assertNeverShows(String secret) {
            assertFalse(new String(put.body, StandardCharsets.UTF_8).contains(secret), "answer");
            assertFalse(new String(output, StandardCharsets.UTF_8).contains(secret), "output");
            assertFalse(String.join("\n", logs).contains(secret), "log");
        }
    }

    private static Invocation invoke(MigrationsCustomResource handler, Map<String, String> event, Duration timeLeft) throws Exception {
        String eventJson = JSON.writeValueAsString(event);
        // the event carries a whole ResourceProperties object, as CloudFormation's does
        eventJson = eventJson.substring(0, eventJson.length() - 1) + ",\"ResourceProperties\":{\"ServiceToken\":\"x\",\"MigrationsVersion\":\"7\"}}";
        InvocationContext context = new InvocationContext(timeLeft);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), output, context);
        Put put = cloudFormation.awaitPut(event.get("RequestId"));
        return new Invocation(event, put, output.toByteArray(), context.logs);
    }

    private static Connection connectAs(String db, String user, String password) throws SQLException {
        return DriverManager.getConnection(TestPostgres.jdbcUrl(db), user, password);
    }

    private static void assertPasswordRefused(String db, String user, String password) {
        SQLException refused = assertThrows(SQLException.class, () -> connectAs(db, user, password).close());
        assertEquals("28P01", refused.getSQLState(), refused.getMessage()); // invalid_password
    }

    private static String appliedVersion(String db) throws SQLException {
        try (Connection c = TestPostgres.superuser(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL "
                        + "ORDER BY installed_rank DESC LIMIT 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static int count(String db, String sql) throws SQLException {
        try (Connection c = TestPostgres.superuser(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void awaitNoSessionsOf(String applicationName, String db) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int sessions;
        do {
            sessions = count("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                    + applicationName + "' AND datname = '" + db + "'");
            if (sessions == 0) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < until);
        fail(sessions + " session(s) of " + applicationName + " still open after the answer");
    }

    /** The highest V<n>__ migration in the build's resources and how many there are. */
    private static final class LatestMigration {
        static final String VERSION;
        static final int COUNT;

        static {
            Pattern versioned = Pattern.compile("V(\\d+)__.*\\.sql");
            try (Stream<Path> files = Files.list(Path.of(Migrations.class.getResource("/db/migration").toURI()))) {
                List<Integer> versions = files.map(f -> versioned.matcher(f.getFileName().toString()))
                        .filter(Matcher::matches).map(m -> Integer.parseInt(m.group(1))).toList();
                VERSION = String.valueOf(versions.stream().mapToInt(Integer::intValue).max().orElseThrow());
                COUNT = versions.size();
            } catch (IOException | URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The embedded cluster is initialised with trust authentication, under which any password logs in and a
     * password test could not fail. This puts a scram-sha-256 rule for the test logins (cr_login_*) in front,
     * then proves it bites with a wrong password before any test relies on it.
     */
    private static final class LoginsNeedPasswords {
        private static boolean done;

        static synchronized void require() throws Exception {
            if (done) {
                return;
            }
            TestPostgres.port();
            Path hba;
            try (Connection c = TestPostgres.superuser("postgres"); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = Path.of(rs.getString(1));
            }
            String rule = "host all /^cr_login_ " + TestPostgres.HOST + "/32 scram-sha-256";
            String rules = Files.readString(hba);
            if (!rules.contains(rule)) {
                Files.writeString(hba, rule + "\n" + rules);
            }
            TestPostgres.execute("postgres", "CREATE ROLE cr_login_probe LOGIN PASSWORD 'probe-pw'");
            TestPostgres.execute("postgres", "SELECT pg_reload_conf()");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try {
                    connectAs("postgres", "cr_login_probe", "wrong-pw").close();
                } catch (SQLException e) {
                    if ("28P01".equals(e.getSQLState())) {
                        break;
                    }
                    throw e;
                }
                if (System.nanoTime() > until) {
                    fail("PostgreSQL still accepts a wrong password after reloading " + hba);
                }
                Thread.sleep(50);
            }
            connectAs("postgres", "cr_login_probe", "probe-pw").close();
            done = true;
        }
    }

    /** A Lambda invocation's context: a deadline, and a logger whose lines the test reads. */
    private static final class InvocationContext implements Context {
        final List<String> logs = new CopyOnWriteArrayList<>();
        private final long deadlineNanos;

        InvocationContext(Duration timeLeft) {
            this.deadlineNanos = System.nanoTime() + timeLeft.toNanos();
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    logs.add(message);
                }

                @Override
                public void log(byte[] message) {
                    logs.add(new String(message, StandardCharsets.UTF_8));
                }
            };
        }

        @Override
        public String getAwsRequestId() {
            return "test-request";
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/paddock-migrations";
        }

        @Override
        public String getLogStreamName() {
            return "test-stream";
        }

        @Override
        public String getFunctionName() {
            return "paddock-migrations";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:eu-west-1:123456789012:function:paddock-migrations";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 512;
        }
    }

    private record Put(String method, String path, Headers headers, byte[] body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /**
     * Stands in for the presigned S3 URL CloudFormation puts in ResponseURL: accepts any PUT on 127.0.0.1 and
     * keeps it, filed under the RequestId of the body.
     */
    private static final class CloudFormationStandIn {
        private final HttpServer server;
        private final Map<String, BlockingQueue<Put>> puts = new java.util.concurrent.ConcurrentHashMap<>();

        private CloudFormationStandIn(HttpServer server) {
            this.server = server;
        }

        static CloudFormationStandIn start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(TestPostgres.HOST, 0), 0);
            CloudFormationStandIn standIn = new CloudFormationStandIn(server);
            server.createContext("/", standIn::receive);
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            return standIn;
        }

        String responseUrl() {
            // shaped like the real thing: a signed query the handler must keep intact
            return "http://" + TestPostgres.HOST + ":" + server.getAddress().getPort()
                    + "/cloudformation-custom-resource-response-euwest1/arn%3Aaws%3Acloudformation?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                    + "&X-Amz-Signature=0123456789abcdef";
        }

        private void receive(HttpExchange exchange) throws IOException {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Put put = new Put(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(), body);
            String requestId;
            try {
                requestId = put.json().path("RequestId").asText("");
            } catch (IOException e) {
                requestId = "";
            }
            puts.computeIfAbsent(requestId, k -> new LinkedBlockingQueue<>()).add(put);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        }

        Put awaitPut(String requestId) throws InterruptedException {
            Put put = puts.computeIfAbsent(requestId, k -> new LinkedBlockingQueue<>()).poll(30, TimeUnit.SECONDS);
            assertNotNull(put, "no answer was PUT for request " + requestId);
            assertTrue(put.path.contains("X-Amz-Signature=0123456789abcdef"), "the presigned query went along: " + put.path);
            return put;
        }

        void stop() {
            server.stop(0);
        }
    }
}
