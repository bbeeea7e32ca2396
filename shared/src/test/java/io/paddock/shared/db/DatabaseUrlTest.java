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
}
