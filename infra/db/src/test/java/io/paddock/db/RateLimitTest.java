package io.paddock.db;

import static io.paddock.db.SchemaTest.assertSqlState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL fallback limiter: check_rate_limit(), its pruning, and the overrides table. */
class RateLimitTest {

    private static final int THREADS = 50;

    private static String db;
    private static Connection app;

    @BeforeAll
    static void migrate() throws SQLException {
        db = TestPostgres.migratedDatabase("rate_limit");
        app = AppRole.connect(db);
    }

    @AfterAll
    static void close() throws SQLException {
        app.close();
    }

    record Decision(boolean allowed, int remaining, int resetSeconds) {
    }

    static Decision check(Connection c, String key, int limit, int windowSeconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT allowed, remaining, reset_seconds FROM check_rate_limit(?, ?, ?)")) {
            ps.setString(1, key);
            ps.setInt(2, limit);
            ps.setInt(3, windowSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                Decision d = new Decision(rs.getBoolean(1), rs.getInt(2), rs.getInt(3));
                assertFalse(rs.next(), "one row per call");
                return d;
            }
        }
    }

    @Test
    void checkRateLimitAdmitsExactlyTheLimitUnderConcurrency() throws Exception {
        List<Connection> connections = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int i = 0; i < THREADS; i++) {
                connections.add(AppRole.connect(db));
            }
            for (int round = 0; round < 3; round++) {
                String key = "user:concurrency-" + round;
                // A long window, so the burst cannot straddle a window boundary.
                int window = 1_000_000;
                CyclicBarrier start = new CyclicBarrier(THREADS);
                List<Future<Integer>> admitted = new ArrayList<>();
                for (Connection c : connections) {
                    admitted.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        int n = 0;
                        for (int call = 0; call < 2; call++) {
                            n += check(c, key, 50, window).allowed() ? 1 : 0;
                        }
                        return n;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : admitted) {
                    total += f.get(30, TimeUnit.SECONDS);
                }
                assertEquals(50, total, "round " + round);
                try (Statement s = app.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT count(*), max(count) FROM rate_limit_counters WHERE key = '" + key + "'")) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "one window row");
                    assertEquals(51, rs.getInt(2), "the counter stops one past the limit");
                }
            }
        } finally {
            pool.shutdownNow();
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    @Test
    void checkRateLimitCountsDownAndSaysWhenTheWindowResets() throws Exception {
        String key = "ip:203.0.113.7";
        // The window is fixed and aligned to the clock: keep the four checks clear of a minute's end, where the
        // count would start over between them.
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 55_000) {
            Thread.sleep(60_000 - intoMinute + 100);
        }
        Decision first = check(app, key, 3, 60);
        assertTrue(first.allowed());
        assertEquals(2, first.remaining());
        assertTrue(first.resetSeconds() >= 1 && first.resetSeconds() <= 60, first.toString());
        assertEquals(1, check(app, key, 3, 60).remaining());
        Decision third = check(app, key, 3, 60);
        assertTrue(third.allowed());
        assertEquals(0, third.remaining());
        Decision fourth = check(app, key, 3, 60);
        assertFalse(fourth.allowed());
        assertEquals(0, fourth.remaining());
        assertTrue(fourth.resetSeconds() >= 1 && fourth.resetSeconds() <= 60, fourth.toString());

        assertFalse(check(app, "user:nobody-may", 0, 60).allowed(), "a limit of 0 admits nothing");
    }

    @Test
    void checkRateLimitAdmitsAgainInTheNextWindow() throws Exception {
        String key = "user:next-window";
        Decision first = check(app, key, 1, 1);
        assertTrue(first.allowed());
        Decision denied = check(app, key, 1, 1);
        if (denied.allowed()) {
            denied = check(app, key, 1, 1); // the first call was the last of its window; this is the same window
        }
        assertFalse(denied.allowed());
        Thread.sleep(denied.resetSeconds() * 1000L + 50);
        assertTrue(check(app, key, 1, 1).allowed(), "waiting reset_seconds always reaches a fresh window");
    }

    @Test
    void checkRateLimitRejectsNonsenseArguments() {
        assertSqlState("22023", () -> check(app, "k", -1, 60), "negative limit");
        assertSqlState("22023", () -> check(app, "k", 10, 0), "zero window");
        assertSqlState("22023", () -> check(app, null, 10, 60), "null key");
    }

    @Test
    void pruneRateLimitCountersDeletesOnlyExpiredWindows() throws SQLException {
        try (Statement s = app.createStatement()) {
            s.execute("INSERT INTO rate_limit_counters (key, window_start, count, expires_at) VALUES "
                    + "('prune:old', now() - interval '2 minutes', 5, now() - interval '1 minute')");
            check(app, "prune:live", 10, 3600);
            try (ResultSet rs = s.executeQuery("SELECT prune_rate_limit_counters()")) {
                rs.next();
                assertTrue(rs.getLong(1) >= 1);
            }
            try (ResultSet rs = s.executeQuery("SELECT string_agg(key, ',' ORDER BY key) FROM rate_limit_counters WHERE key LIKE 'prune:%'")) {
                rs.next();
                assertEquals("prune:live", rs.getString(1));
            }
        }
    }

    @Test
    void rateLimitOverridesHoldATierOrMultipliersPerUser() throws SQLException {
        try (Statement s = app.createStatement()) {
            s.execute("INSERT INTO users (id, email, handle, password_hash, role) VALUES "
                    + "('0190a000-0000-7000-8000-000000000001', 'root@example.com', 'root_admin', 'h', 'admin'), "
                    + "('0190a000-0000-7000-8000-000000000002', 'busy@example.com', 'busy_user', 'h', 'user')");
            s.execute("INSERT INTO rate_limit_overrides (user_id, tier, multipliers, updated_by) VALUES "
                    + "('0190a000-0000-7000-8000-000000000002', 'partner', '{\"read\": 2, \"write\": 1.5}', "
                    + "'0190a000-0000-7000-8000-000000000001') "
                    + "ON CONFLICT (user_id) DO UPDATE SET tier = excluded.tier, multipliers = excluded.multipliers");
        }
        assertSqlState("23514", () -> execute("INSERT INTO rate_limit_overrides (user_id, multipliers) VALUES "
                + "('0190a000-0000-7000-8000-000000000001', '[2]')"), "multipliers must be an object");
        assertSqlState("23514", () -> execute("INSERT INTO rate_limit_overrides (user_id, tier) VALUES "
                + "('0190a000-0000-7000-8000-000000000001', 'Gold Tier')"), "tier name");
    }

    private static void execute(String sql) throws SQLException {
        try (Statement s = app.createStatement()) {
            s.execute(sql);
        }
    }
}
