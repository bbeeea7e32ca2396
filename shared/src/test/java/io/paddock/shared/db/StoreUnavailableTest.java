package io.paddock.shared.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Only a store that does not answer opens its breaker; a store that refuses the work is healthy. */
class StoreUnavailableTest {

    @Test
    void connectionFailuresAndTimeoutsMeanTheStoreIsUnavailable() {
        assertTrue(Database.unavailable(new SQLException("Connection refused", "08001")));
        assertTrue(Database.unavailable(new SQLException("terminating connection due to administrator command", "57P01")));
        assertTrue(Database.unavailable(new SQLException("wrapped", null, new ConnectException("refused"))));
        assertTrue(Database.unavailable(new SQLTransientConnectionException("breaker open")));
        assertTrue(Database.unavailable(new SQLException("Sorry, acquisition timeout!")));
    }

    @Test
    void refusedWorkIsAnAnswerNotAnOutage() {
        assertFalse(Database.unavailable(new SQLException("duplicate key value", "23505")));
        assertFalse(Database.unavailable(new SQLException("new row violates row-level security policy", "42501")));
        assertFalse(Database.unavailable(new SQLException("syntax error", "42601")));
    }
}
