package io.paddock.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Retention and partitions, on the real embedded PostgreSQL, through the scheduled handler itself. */
class UsageEventMaintenanceTest {

    private static Map<String, String> env() {
        // The stores' whole environment: the run also replays parked batches from DynamoDB (Local).
        return PaddockStoresTestResource.stores().environment();
    }

    private static void insert(Connection c, String anon, Instant occurredAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO usage_events (event_id, anonymous_id, type, occurred_at) "
                + "VALUES (?, ?, 'click', ?)")) {
            s.setObject(1, UUID.randomUUID());
            s.setString(2, anon);
            s.setTimestamp(3, Timestamp.from(occurredAt));
            s.executeUpdate();
        }
    }

    private static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void eventsPastTheRetentionAreGoneYoungerOnesStayAndNextMonthsArePrepared() throws Exception {
        String anon = "maint-" + UUID.randomUUID();
        try (Connection c = MaintenanceHandler.connect(env())) {
            // 31 days back can be two calendar months back (on the 1st of a month after a 30-day one):
            // make sure the partition it lands in exists, as it would have in production a month ago.
            try (Statement s = c.createStatement()) {
                s.execute("SELECT ensure_usage_event_partitions(0, 2)");
            }
            insert(c, anon + "-old", Instant.now().minus(Duration.ofDays(31)));
            insert(c, anon + "-young", Instant.now().minus(Duration.ofDays(29)));
        }
        String report = new MaintenanceHandler().run(env(), false);
        // The old event goes with its whole partition when that month lies entirely before the cutoff (as on
        // the 1st of a month), else row by row.
        String oldMonth = "usage_events_" + YearMonth.from(Instant.now().minus(Duration.ofDays(31)).atZone(ZoneOffset.UTC))
                .format(DateTimeFormatter.ofPattern("yyyy_MM"));
        assertTrue(report.matches(".*\"rowsPruned\":[1-9].*") || report.contains("\"" + oldMonth + "\""), report);
        try (Connection c = MaintenanceHandler.connect(env())) {
            assertEquals(0, count(c, "SELECT count(*) FROM usage_events WHERE anonymous_id = ?", anon + "-old"));
            assertEquals(1, count(c, "SELECT count(*) FROM usage_events WHERE anonymous_id = ?", anon + "-young"));
            YearMonth now = YearMonth.now(ZoneOffset.UTC);
            for (int ahead = 0; ahead <= 2; ahead++) {
                String name = "usage_events_" + now.plusMonths(ahead).format(DateTimeFormatter.ofPattern("yyyy_MM"));
                assertEquals(1, count(c, "SELECT count(*) FROM pg_class WHERE relname = ?", name), name);
            }
        }
    }

    @Test
    void claimedEventIdsArePrunedOnlyOnceNoStoredEventOrAcceptedRetryCanNeedThem() throws Exception {
        String anon = "ids-" + UUID.randomUUID();
        // Retention 30 days: ids stay 30 + 1 (occurredAt may lie a day ahead) + 1 (margin) = 32 days.
        try (Connection c = MaintenanceHandler.connect(env());
                PreparedStatement s = c.prepareStatement("INSERT INTO usage_event_ids (actor, event_id, received_at) VALUES (?, ?, ?)")) {
            for (int days : new int[] {33, 31}) {
                s.setString(1, "anon:" + anon + "-" + days);
                s.setObject(2, UUID.randomUUID());
                s.setTimestamp(3, Timestamp.from(Instant.now().minus(Duration.ofDays(days))));
                s.executeUpdate();
            }
        }

        String report = new MaintenanceHandler().run(env(), false);

        assertTrue(report.matches(".*\"idsPruned\":[1-9].*"), report);
        try (Connection c = MaintenanceHandler.connect(env())) {
            assertEquals(0, count(c, "SELECT count(*) FROM usage_event_ids WHERE actor = ?", "anon:" + anon + "-33"));
            assertEquals(1, count(c, "SELECT count(*) FROM usage_event_ids WHERE actor = ?", "anon:" + anon + "-31"),
                    "younger than 32 days: an event it names may still be stored (occurredAt up to a day ahead)");
        }
    }

    @Test
    void aDeletedAccountsEmailAndHandleAreFreedOnceItsReservationEndedAndNotBefore() throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        UUID ended = UUID.randomUUID();
        UUID reserved = UUID.randomUUID();
        UUID live = UUID.randomUUID();
        try (Connection c = MaintenanceHandler.connect(env())) {
            for (Object[] user : new Object[][] {
                    {ended, "ended_" + suffix, "now() - interval '31 days'", "now() - interval '1 day'"},
                    {reserved, "reserved_" + suffix, "now() - interval '2 days'", "now() + interval '28 days'"},
                    {live, "live_" + suffix, "NULL", "NULL"}}) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO users (id, email, handle, password_hash, deleted_at, "
                        + "released_at) VALUES (?, ?, ?, '!deleted', " + user[2] + ", " + user[3] + ")")) {
                    s.setObject(1, user[0]);
                    s.setString(2, user[1] + "@example.com");
                    s.setString(3, (String) user[1]);
                    s.executeUpdate();
                }
            }
        }

        String report = new MaintenanceHandler().run(env(), false);

        assertTrue(report.matches(".*\"accountsReleased\":[1-9].*"), report);
        try (Connection c = MaintenanceHandler.connect(env())) {
            assertEquals(0, count(c, "SELECT count(*) FROM users WHERE id = ?", ended), "reservation over: the row is gone");
            assertEquals(1, count(c, "SELECT count(*) FROM users WHERE id = ?", reserved), "still within its grace");
            assertEquals(1, count(c, "SELECT count(*) FROM users WHERE id = ?", live), "a live account is never touched");
        }
        // The replay-only schedule (every 5 minutes) releases nothing.
        assertTrue(!new MaintenanceHandler().run(env(), true).contains("accountsReleased"));
    }

    @Test
    void aSpentSignInNonceIsForgottenOnceItsTokenCouldNoLongerSignInAndNotBefore() throws Exception {
        byte[] past = new byte[32];
        byte[] current = new byte[32];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(past);
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(current);
        try (Connection c = MaintenanceHandler.connect(env())) {
            for (Object[] nonce : new Object[][] {{past, "now() - interval '1 minute'"}, {current, "now() + interval '10 minutes'"}}) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO used_oidc_nonces (provider, nonce_hash, expires_at) "
                        + "VALUES ('apple', ?, " + nonce[1] + ")")) {
                    s.setBytes(1, (byte[]) nonce[0]);
                    s.executeUpdate();
                }
            }
        }
        assertTrue(!new MaintenanceHandler().run(env(), true).contains("oidcNoncesPruned"), "the replay-only run prunes none");

        String report = new MaintenanceHandler().run(env(), false);

        assertTrue(report.matches(".*\"oidcNoncesPruned\":[1-9].*"), report);
        try (Connection c = MaintenanceHandler.connect(env())) {
            assertEquals(0, count(c, "SELECT count(*) FROM used_oidc_nonces WHERE nonce_hash = ?", past));
            assertEquals(1, count(c, "SELECT count(*) FROM used_oidc_nonces WHERE nonce_hash = ?", current),
                    "its token could still be presented: the nonce stays spent");
        }
    }

    @Test
    void anIdOutlivesTheRetentionAndTheLateWindowWhicheverIsLonger() {
        assertEquals(Duration.ofDays(32), UsageEventMaintenance.idRetention(Duration.ofDays(30)));
        // Events are accepted up to 7 days late: with a 1-day retention a resend 7 days on must still be caught.
        assertEquals(Duration.ofDays(9), UsageEventMaintenance.idRetention(Duration.ofDays(1)));
    }

    @Test
    void retentionIsConfigurableAndBadValuesAreRefused() {
        assertTrue(MaintenanceHandler.retention(Map.of("PADDOCK_TELEMETRY_RETENTION_DAYS", "7")).equals(Duration.ofDays(7)));
        try {
            MaintenanceHandler.retention(Map.of("PADDOCK_TELEMETRY_RETENTION_DAYS", "0"));
            throw new AssertionError("0 days must be refused");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("PADDOCK_TELEMETRY_RETENTION_DAYS"));
        }
    }
}
