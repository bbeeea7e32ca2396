package io.paddock.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The daily maintenance drops audit-trail rows past PADDOCK_AUDIT_RETENTION_DAYS, through the scheduled handler. */
class AuditTrailRetentionTest {

    private static Map<String, String> env(String auditDays) {
        Map<String, String> env = new HashMap<>(PaddockStoresTestResource.stores().environment());
        if (auditDays != null) {
            env.put(AuditTrailRetention.ENV, auditDays);
        }
        return env;
    }

    @Test
    void theDailyRunDropsRowsPastTheRetentionAndKeepsYoungerOnes() throws Exception {
        String target = "retention-" + UUID.randomUUID();
        try (Connection c = MaintenanceHandler.connect(env(null))) {
            insert(c, target, 401);
            insert(c, target, 399);
            insert(c, target, 101);
        }
        String replayOnly = new MaintenanceHandler().run(env(null), true);
        assertTrue(!replayOnly.contains("auditRowsPruned"), replayOnly);
        try (Connection c = MaintenanceHandler.connect(env(null))) {
            assertEquals(3, count(c, target), "the 5-minute replay run leaves the trail alone");
        }

        String report = new MaintenanceHandler().run(env(null), false);
        assertTrue(report.matches(".*\"auditRowsPruned\":[1-9].*"), report);
        try (Connection c = MaintenanceHandler.connect(env(null))) {
            assertEquals(2, count(c, target), "400 days by default");
        }

        new MaintenanceHandler().run(env("100"), false);
        try (Connection c = MaintenanceHandler.connect(env(null))) {
            assertEquals(0, count(c, target), "a shorter retention drops the rest");
        }
    }

    @Test
    void theRetentionIsConfigurableButNeverUnder90Days() {
        assertEquals(400, AuditTrailRetention.days(Map.of()));
        assertEquals(90, AuditTrailRetention.days(Map.of(AuditTrailRetention.ENV, "90")));
        for (String bad : new String[] {"89", "0", "3651", "a year"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> AuditTrailRetention.days(Map.of(AuditTrailRetention.ENV, bad)), bad);
            assertTrue(refused.getMessage().contains(AuditTrailRetention.ENV), refused.getMessage());
        }
    }

    /** A row {@code daysAgo} days old; the tests' login owns the table, so it may date one back (the application may not delete it). */
    private static void insert(Connection c, String target, int daysAgo) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_events (id, action, target_id, at) "
                + "VALUES (?, 'rate_limit.unblocked', ?, now() - make_interval(days => ?))")) {
            s.setObject(1, UUID.randomUUID());
            s.setString(2, target);
            s.setInt(3, daysAgo);
            s.executeUpdate();
        }
    }

    private static long count(Connection c, String target) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM audit_events WHERE target_id = ?")) {
            s.setString(1, target);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
