package io.paddock.shared.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scheduled handlers' one connection: the same variables as the functions' pool, password or IAM token. */
class DirectLoginTest {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void postgresWhereTheRoleMustProveItsPassword() throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .setPGStartupWait(Duration.ofSeconds(30))
                // zonky trusts every local login; this role must prove its password (first matching line wins).
                .setDataDirectoryCustomizer(dir -> {
                    Path hba = dir.toPath().resolve("pg_hba.conf");
                    try {
                        Files.writeString(hba, "host all direct_login 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .start();
        try (Connection admin = postgres.getPostgresDatabase().getConnection(); Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE direct_login LOGIN PASSWORD 'right-horse-battery'");
        }
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    private static String url() {
        return "postgres://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    @Test
    void withAPasswordItSignsInAsTheFunctionsPoolWould() throws SQLException {
        DirectLogin login = DirectLogin.fromEnvironment(Map.of("DATABASE_URL", url(),
                "DATABASE_USER", "direct_login", "DATABASE_PASSWORD", "right-horse-battery"));
        try (Connection c = login.open(Duration.ofSeconds(5)); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user, current_setting('application_name')")) {
            rs.next();
            assertEquals("direct_login", rs.getString(1));
            assertFalse(login.usesIamTokens());
        }
        DirectLogin wrong = DirectLogin.fromEnvironment(Map.of("DATABASE_URL", url(),
                "DATABASE_USER", "direct_login", "DATABASE_PASSWORD", "wrong"));
        SQLException refused = assertThrows(SQLException.class, () -> wrong.open(Duration.ofSeconds(5)).close());
        assertEquals("28P01", refused.getSQLState());
    }

    @Test
    void itSetsNothingOnTheSessionThatWouldPinAnRdsProxyConnection() throws SQLException {
        DirectLogin login = DirectLogin.fromEnvironment(Map.of("DATABASE_URL", url(),
                "DATABASE_USER", "direct_login", "DATABASE_PASSWORD", "right-horse-battery"));
        try (Connection c = login.open(Duration.ofSeconds(5)); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM pg_settings WHERE source = 'session'")) {
            assertFalse(rs.next(), "a setting changed by SET after connecting");
        }
    }

    @Test
    void withIamAuthItNeedsTlsARegionAndNoPassword() {
        Map<String, String> iam = Map.of("DATABASE_URL", "postgres://proxy.example.internal:5432/paddock",
                "DATABASE_USER", "paddock_fn", "DATABASE_IAM_AUTH", "true", "AWS_REGION", "eu-west-1");
        DirectLogin login = DirectLogin.fromEnvironment(iam);
        assertTrue(login.usesIamTokens());
        assertEquals("jdbc:postgresql://proxy.example.internal:5432/paddock?sslmode=require", login.jdbcUrl());

        IllegalArgumentException noRegion = assertThrows(IllegalArgumentException.class, () -> DirectLogin.fromEnvironment(Map.of(
                "DATABASE_URL", "postgres://proxy.example.internal:5432/paddock", "DATABASE_IAM_AUTH", "true")));
        assertTrue(noRegion.getMessage().contains("AWS_REGION"), noRegion.getMessage());

        IllegalArgumentException password = assertThrows(IllegalArgumentException.class, () -> DirectLogin.fromEnvironment(Map.of(
                "DATABASE_URL", "postgres://u:hunter2@proxy.example.internal:5432/paddock", "DATABASE_IAM_AUTH", "true",
                "AWS_REGION", "eu-west-1")));
        assertTrue(password.getMessage().contains("DATABASE_URL"), password.getMessage());
        assertFalse(password.getMessage().contains("hunter2"), password.getMessage());

        IllegalArgumentException clear = assertThrows(IllegalArgumentException.class, () -> DirectLogin.fromEnvironment(Map.of(
                "DATABASE_URL", "postgres://proxy.example.internal:5432/paddock?sslmode=disable", "DATABASE_IAM_AUTH", "true",
                "AWS_REGION", "eu-west-1")));
        assertTrue(clear.getMessage().contains("sslmode"), clear.getMessage());
    }

    @Test
    void itNeverPrintsThePassword() {
        DirectLogin login = DirectLogin.fromEnvironment(Map.of("DATABASE_URL", url(),
                "DATABASE_USER", "direct_login", "DATABASE_PASSWORD", "right-horse-battery"));
        assertFalse(login.toString().contains("right-horse-battery"), login.toString());
    }

    /** The one plain connection under {@link DirectLogin} and {@code ./paddock migrate}: the URL's own credentials. */
    @Test
    void aDatabaseUrlConnectsAsItsUserAndItsOwnSettingsWinOverTheCallersDefaults() throws SQLException {
        DatabaseUrl withCredentials = DatabaseUrl.parse("postgres://direct_login:right-horse-battery@127.0.0.1:"
                + postgres.getPort() + "/postgres?ApplicationName=from-the-url");
        Properties defaults = new Properties();
        defaults.setProperty("ApplicationName", "from-the-caller");
        defaults.setProperty("user", "postgres");
        try (Connection c = withCredentials.connect(defaults); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user, current_setting('application_name')")) {
            rs.next();
            assertEquals("direct_login", rs.getString(1), "the URL's user, not a default's");
            assertEquals("from-the-url", rs.getString(2));
        }
        SQLException refused = assertThrows(SQLException.class,
                () -> withCredentials.withCredentials("direct_login", "wrong").connect(new Properties()).close());
        assertEquals("28P01", refused.getSQLState());
    }
}
