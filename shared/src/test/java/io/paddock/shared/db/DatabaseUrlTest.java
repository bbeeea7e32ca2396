package io.paddock.shared.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void operatorStyleUrlBecomesJdbcUrlAndCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app:s%40cret@proxy.rds.amazonaws.com:5432/paddock?sslmode=require");
        assertEquals("jdbc:postgresql://proxy.rds.amazonaws.com:5432/paddock?sslmode=require", url.jdbcUrl());
        assertEquals(Optional.of("app"), url.username());
        assertEquals(Optional.of("s@cret"), url.password());
    }

    @Test
    void jdbcUrlIsTakenAsItIs() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://127.0.0.1:5432/postgres");
        assertEquals("jdbc:postgresql://127.0.0.1:5432/postgres", url.jdbcUrl());
        assertEquals(Optional.empty(), url.username());
    }

    @Test
    void unusableUrlsAreRejectedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("mysql://h/db"))
                .getMessage().contains("postgres://"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgres://host:5432"))
                .getMessage().contains("database"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgres:///db"))
                .getMessage().contains("host"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse(" "));
    }

    @Test
    void poolSettingsAreSafeBehindTransactionPoolingAndBoundedInTime() {
        String url = Database.withDriverSettings("jdbc:postgresql://h:5432/db?sslmode=require",
                Duration.ofSeconds(3), Duration.ofSeconds(10));
        assertTrue(url.contains("prepareThreshold=0"), url);
        assertTrue(url.contains("connectTimeout=3"), url);
        assertTrue(url.contains("socketTimeout=10"), url);
        assertTrue(url.startsWith("jdbc:postgresql://h:5432/db?sslmode=require&"), url);
        assertEquals(url, url.replace("prepareThreshold=0&prepareThreshold=0", "x"), "no duplicates");
        String userChosen = Database.withDriverSettings("jdbc:postgresql://h/db?socketTimeout=30",
                Duration.ofSeconds(3), Duration.ofSeconds(10));
        assertTrue(userChosen.contains("socketTimeout=30") && !userChosen.contains("socketTimeout=10"), userChosen);
    }

    @Test
    void theDriverSendsItsSettingsInTheStartupPacketSoRdsProxyHasNoSetToPinOn() {
        String url = Database.withDriverSettings("jdbc:postgresql://h:5432/db", Duration.ofSeconds(3), Duration.ofSeconds(10));
        assertTrue(url.contains("assumeMinServerVersion=12") && url.contains("ApplicationName=paddock"), url);
    }

    @Test
    void anIamTokenIsSignedForTheOneHostAndPortTheUrlNames() {
        assertEquals(new DatabaseUrl.Endpoint("proxy.rds.amazonaws.com", 5432),
                DatabaseUrl.parse("postgres://proxy.rds.amazonaws.com:5432/paddock").endpoint());
        assertEquals(new DatabaseUrl.Endpoint("proxy.rds.amazonaws.com", 5432),
                DatabaseUrl.parse("postgres://app@proxy.rds.amazonaws.com/paddock?sslmode=require").endpoint());
        assertEquals(new DatabaseUrl.Endpoint("::1", 6432), DatabaseUrl.parse("jdbc:postgresql://[::1]:6432/db").endpoint());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("jdbc:postgresql://a:5432,b:5432/db").endpoint()).getMessage().contains("several hosts"));
    }

    @Test
    void iamSignInAddsRequiredTlsAndRefusesAModeThatMaySendTheTokenInClear() {
        assertEquals("jdbc:postgresql://h:5432/db?sslmode=require",
                DatabaseUrl.parse("postgres://h:5432/db").withTlsRequired().jdbcUrl());
        assertEquals("jdbc:postgresql://h:5432/db?connectTimeout=5&sslmode=require",
                DatabaseUrl.parse("postgres://h:5432/db?connectTimeout=5").withTlsRequired().jdbcUrl());
        assertEquals("jdbc:postgresql://h/db?sslmode=verify-full",
                DatabaseUrl.parse("jdbc:postgresql://h/db?sslmode=verify-full").withTlsRequired().jdbcUrl());
        assertEquals("jdbc:postgresql://h/db?ssl=true", DatabaseUrl.parse("jdbc:postgresql://h/db?ssl=true").withTlsRequired().jdbcUrl());
        for (String weak : new String[] {"disable", "allow", "prefer"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DatabaseUrl.parse("postgres://h:5432/db?sslmode=" + weak).withTlsRequired());
            assertTrue(e.getMessage().contains("sslmode=" + weak) && e.getMessage().contains("TLS"), e.getMessage());
        }
    }
}
