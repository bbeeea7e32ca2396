package io.paddock.shared.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.iam.IamAuthTokens;
import io.paddock.shared.resilience.StoreBreaker;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The pool in IAM mode against a real PostgreSQL. A token is deterministic for fixed credentials and
 * clock, so the test creates a login role whose password IS the token the pool will present; PostgreSQL
 * checks it like any (long) password with SCRAM. A role that must sign in with a password proves the pool
 * sent exactly that token — and a token signed at another time is refused.
 */
class RdsIamSignInTest {

    private static final String ROLE = "paddock_iam";
    private static final AwsBasicCredentials EXAMPLE = AwsBasicCredentials.create("AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static final Instant SIGNED_AT = Instant.parse("2026-11-24T12:34:56Z");

    private static EmbeddedPostgres postgres;
    private static int port;
    private static final List<Database> opened = new ArrayList<>();

    @BeforeAll
    static void postgresWhereTheIamRoleMustSignInWithAPassword() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .setPGStartupWait(Duration.ofSeconds(30))
                // zonky trusts every local login; the IAM role must prove its password (first matching line wins).
                .setDataDirectoryCustomizer(dir -> {
                    Path hba = dir.toPath().resolve("pg_hba.conf");
                    try {
                        Files.writeString(hba, "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .start();
    }

    @AfterAll
    static void stop() throws IOException {
        opened.forEach(Database::close);
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A login role whose password is the token signed at {@code at}, as the pool will sign it. */
    private static void roleWithPasswordSignedAt(Instant at) throws SQLException {
        String token = IamAuthTokens.rdsProxy("127.0.0.1", port, ROLE, "us-east-1",
                StaticCredentialsProvider.create(EXAMPLE), Clock.fixed(at, ZoneOffset.UTC)).current();
        assertTrue(token.length() > 300, "a real-sized token: " + token.length());
        try (Connection admin = superuser(); Statement s = admin.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE " + ROLE + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("ALTER ROLE " + ROLE + " PASSWORD '" + token.replace("'", "''") + "'");
        }
    }

    private static Connection superuser() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
    }

    private static Database iamDatabase(Clock clock, boolean requireTls) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "paddock.database.url", "postgres://127.0.0.1:" + port + "/postgres",
                "paddock.database.username", ROLE,
                "paddock.database.iam-auth", "true",
                "paddock.database.acquisition-timeout", "5s",
                "paddock.aws-region", "us-east-1",
                "paddock.redis.url", "redis://127.0.0.1:6379",
                "paddock.dynamodb.idempotency-table", "idem"));
        PaddockConfig config = new SmallRyeConfigBuilder().withMapping(PaddockConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(settings, "iam test", 100)).build()
                .getConfigMapping(PaddockConfig.class);
        Database database = new Database(config, StoreBreaker.unobserved("postgres"),
                new Database.IamSignIn(() -> StaticCredentialsProvider.create(EXAMPLE), clock, requireTls));
        opened.add(database);
        return database;
    }

    private static String whoAmI(Database database) throws SQLException {
        return database.inTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_user")) {
                r.next();
                return r.getString(1);
            }
        });
    }

    @Test
    void thePoolSignsInWithTheTokenAsItsPassword() throws SQLException {
        roleWithPasswordSignedAt(SIGNED_AT);
        assertEquals(ROLE, whoAmI(iamDatabase(Clock.fixed(SIGNED_AT, ZoneOffset.UTC), false)));
    }

    @Test
    void aTokenSignedAtAnotherTimeIsRefused() throws SQLException {
        roleWithPasswordSignedAt(SIGNED_AT);
        Database later = iamDatabase(Clock.fixed(SIGNED_AT.plus(Duration.ofHours(1)), ZoneOffset.UTC), false);
        SQLException refused = assertThrows(SQLException.class, () -> whoAmI(later));
        assertEquals("28P01", refused.getSQLState(), "password authentication failed: " + refused.getMessage());
    }

    @Test
    void aConnectionOpenedAfterTheRefreshWindowSignsInWithANewToken() throws SQLException {
        AtomicReference<Instant> now = new AtomicReference<>(SIGNED_AT);
        Clock clock = new Clock() {
            public Instant instant() {
                return now.get();
            }

            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        roleWithPasswordSignedAt(SIGNED_AT);
        Database database = iamDatabase(clock, false);
        assertEquals(ROLE, whoAmI(database));

        Instant later = SIGNED_AT.plus(IamAuthTokens.REFRESH_AFTER).plusSeconds(1);
        roleWithPasswordSignedAt(later); // the first token no longer opens anything
        now.set(later);
        // Hold the pool's first connection (signed in with the old token) so the next acquire must open a new
        // one. (Agroal's flush closes connections on its housekeeping thread, racing the next acquire.)
        try (Connection first = database.dataSource().getConnection()) {
            assertEquals(ROLE, currentUser(first));
            assertEquals(ROLE, whoAmI(database));
        }
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_user")) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void productionSignInInsistsOnTls() throws SQLException {
        roleWithPasswordSignedAt(SIGNED_AT);
        // Embedded PostgreSQL has no TLS: with sslmode=require added the driver will not send the token at all.
        SQLException refused = assertThrows(SQLException.class,
                () -> whoAmI(iamDatabase(Clock.fixed(SIGNED_AT, ZoneOffset.UTC), true)));
        assertTrue(refused.getMessage().contains("SSL"), refused.getMessage());
    }

    @Test
    void theDriverLeavesNoSessionSettingForRdsProxyToPinOn() throws SQLException {
        roleWithPasswordSignedAt(SIGNED_AT);
        Database database = iamDatabase(Clock.fixed(SIGNED_AT, ZoneOffset.UTC), false);
        database.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                // Transaction-local, as the functions name their caller: gone at commit.
                return s.execute("SELECT set_config('app.user_id', 'someone', true)");
            }
        });
        String[] applicationName = database.inTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT setting, source FROM pg_settings WHERE name = 'application_name'")) {
                r.next();
                return new String[] {r.getString(1), r.getString(2)};
            }
        });
        assertEquals("paddock", applicationName[0]);
        assertEquals("client", applicationName[1], "sent in the startup packet, not SET after it");
        assertEquals(List.of(), settingsFromSession(database), "no SET of any kind on the pool's connection");

        // The guard can fail: the same driver without assumeMinServerVersion SETs application_name after connecting.
        try (Connection plain = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres?ApplicationName=paddock", "postgres", "");
                Statement s = plain.createStatement();
                ResultSet r = s.executeQuery("SELECT source FROM pg_settings WHERE name = 'application_name'")) {
            r.next();
            assertNotEquals("client", r.getString(1));
        }
    }

    private static List<String> settingsFromSession(Database database) throws SQLException {
        return database.inTransaction(c -> {
            List<String> names = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT name FROM pg_settings WHERE source = 'session'")) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            return names;
        });
    }
}
