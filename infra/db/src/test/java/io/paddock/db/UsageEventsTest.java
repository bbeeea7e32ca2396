package io.paddock.db;

import static io.paddock.db.SchemaTest.assertSqlState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** usage_events: idempotency, claimed event ids, monthly partitions and their maintenance, row-level security. */
class UsageEventsTest {

    private static final YearMonth THIS_MONTH = YearMonth.now(ZoneOffset.UTC);

    private static String db;
    private static Connection superuser;
    private static Connection app;

    @BeforeAll
    static void migrate() throws SQLException {
        db = TestPostgres.migratedDatabase("usage_events");
        superuser = TestPostgres.superuser(db);
        app = AppRole.connect(db);
    }

    @AfterAll
    static void close() throws SQLException {
        app.close();
        superuser.close();
    }

    @Test
    void usageEventsPartitionsExistForThisAndTheNextTwoMonths() throws SQLException {
        List<String> partitions = partitions();
        for (int i = 0; i <= 2; i++) {
            assertTrue(partitions.contains(partitionName(THIS_MONTH.plusMonths(i))), partitions.toString());
        }
        // Late events of last month (up to 7 days) need a home right after a first deploy too.
        assertTrue(partitions.contains(partitionName(THIS_MONTH.minusMonths(1))), partitions.toString());
        assertEquals("0", query(superuser, "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = 'usage_events'::regclass AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'"));
    }

    @Test
    void usageEventsOutsideTheCreatedMonthsFailLoudly() {
        assertSqlState("23514", () -> insert(superuser, UUID.randomUUID(), UUID.randomUUID(), null,
                OffsetDateTime.parse("2001-01-01T00:00:00Z"), false), "no partition for 2001");
        assertSqlState("23514", () -> insert(superuser, UUID.randomUUID(), UUID.randomUUID(), null,
                THIS_MONTH.plusMonths(30).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC), false), "no partition 30 months ahead");
    }

    @Test
    void usageEventsRejectsTheSameEventTwice() throws SQLException {
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).withNano(123_000_000);

        AppRole.begin(app, alice, "user");
        assertEquals(1, insert(app, eventId, alice, null, at, true));
        assertEquals(0, insert(app, eventId, alice, null, at, true), "a retry is a no-op");
        app.commit();

        AppRole.begin(app, alice, "user");
        assertSqlState("23505", () -> insert(app, eventId, alice, null, at, false), "without ON CONFLICT");
        app.rollback();

        AppRole.begin(app, bob, "user");
        assertEquals(1, insert(app, eventId, bob, null, at, true), "another user's event with the same id");
        app.commit();

        AppRole.begin(app, null, null);
        assertEquals(1, insert(app, eventId, null, "device-1", at, true), "anonymous");
        assertEquals(0, insert(app, eventId, null, "device-1", at, true), "anonymous retry");
        assertEquals(1, insert(app, eventId, null, "device-2", at, true), "another device");
        app.commit();
        app.setAutoCommit(true);

        assertEquals("4", query(superuser, "SELECT count(*) FROM usage_events WHERE event_id = '" + eventId + "'"));
    }

    @Test
    void usageEventHasExactlyOneOfUserIdAndAnonymousId() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        assertSqlState("23514", () -> insert(superuser, UUID.randomUUID(), null, null, now, false), "neither");
        assertSqlState("23514", () -> insert(superuser, UUID.randomUUID(), UUID.randomUUID(), "device", now, false), "both");
        assertSqlState("23514", () -> execute(superuser, "INSERT INTO usage_events (event_id, user_id, type, occurred_at) "
                + "VALUES (gen_random_uuid(), gen_random_uuid(), 'purchase', now())"), "unknown type");
    }

    @Test
    void usageEventRowsAreVisibleOnlyToTheirOwnerUnderTheAppRole() throws SQLException {
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (int i = 0; i < 3; i++) {
            insert(superuser, UUID.randomUUID(), alice, null, now.minusMinutes(i), false);
        }
        for (int i = 0; i < 2; i++) {
            insert(superuser, UUID.randomUUID(), bob, null, now.minusMinutes(i), false);
        }
        insert(superuser, UUID.randomUUID(), null, "device-rls", now, false);
        long total = Long.parseLong(query(superuser, "SELECT count(*) FROM usage_events"));

        AppRole.begin(app, alice, "user");
        // No WHERE clause: PostgreSQL itself keeps Bob's and anonymous rows out.
        assertEquals("3", query(app, "SELECT count(*) FROM usage_events"));
        assertEquals("0", query(app, "SELECT count(*) FROM usage_events WHERE user_id IS DISTINCT FROM '" + alice + "'"));
        app.commit();

        AppRole.begin(app, bob, "user");
        assertEquals("2", query(app, "SELECT count(*) FROM usage_events"));
        app.commit();

        AppRole.begin(app, UUID.randomUUID(), "admin");
        assertEquals(Long.toString(total), query(app, "SELECT count(*) FROM usage_events"));
        app.commit();

        // The settings were transaction-local: the next transaction on this connection is nobody.
        app.setAutoCommit(false);
        assertEquals("0", query(app, "SELECT count(*) FROM usage_events"));
        app.commit();
        app.setAutoCommit(true);
        assertEquals("0", query(app, "SELECT count(*) FROM usage_events"));
    }

    @Test
    void appRoleFilesEventsOnlyAsItselfOrAnonymouslyAndOnlyAdminsDelete() throws SQLException {
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

        AppRole.begin(app, alice, "user");
        assertSqlState("42501", () -> insert(app, UUID.randomUUID(), bob, null, now, true), "as someone else");
        app.rollback();

        AppRole.begin(app, null, null);
        assertEquals(1, insert(app, UUID.randomUUID(), null, "device-anon", now, true), "anonymous, no identity set");
        assertSqlState("42501", () -> insert(app, UUID.randomUUID(), alice, null, now, true), "a user id with no identity set");
        app.rollback();

        AppRole.begin(app, UUID.randomUUID(), "admin");
        assertEquals(1, insert(app, UUID.randomUUID(), bob, null, now, true), "admin replaying a parked batch");
        app.commit();

        AppRole.begin(app, bob, "user");
        assertSqlState("42501", () -> execute(app, "UPDATE usage_events SET lane = 'x'"), "events are immutable");
        app.rollback();
        AppRole.begin(app, bob, "user");
        assertEquals(0, executeUpdate(app, "DELETE FROM usage_events"), "users delete nothing");
        app.commit();
        AppRole.begin(app, UUID.randomUUID(), "admin");
        assertEquals(1, executeUpdate(app, "DELETE FROM usage_events WHERE user_id = '" + bob + "'"));
        app.commit();
        app.setAutoCommit(true);
    }

    @Test
    void anonymousSendersCanReadBackWhatTheyInsertWithReturning() throws SQLException {
        UUID eventId = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        AppRole.begin(app, null, null, "device-returning");
        try (PreparedStatement ps = app.prepareStatement("INSERT INTO usage_events (event_id, anonymous_id, type, occurred_at) "
                + "VALUES (?, 'device-returning', 'open', ?) ON CONFLICT DO NOTHING RETURNING event_id")) {
            ps.setObject(1, eventId);
            ps.setObject(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(eventId, rs.getObject(1, UUID.class));
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(!rs.next(), "the retry returns nothing: a duplicate");
            }
        }
        app.commit();

        // Without app.anonymous_id the row is stored but may not be shown: RETURNING is refused, the
        // plain update count (1 inserted / 0 duplicate) is what such a caller reads instead.
        AppRole.begin(app, null, null);
        assertSqlState("42501", () -> {
            try (PreparedStatement ps = app.prepareStatement("INSERT INTO usage_events (event_id, anonymous_id, type, occurred_at) "
                    + "VALUES (gen_random_uuid(), 'device-returning', 'open', now()) RETURNING event_id")) {
                ps.executeQuery().close();
            }
        }, "RETURNING without app.anonymous_id");
        app.rollback();
        app.setAutoCommit(true);
    }

    @Test
    void appRoleCannotSidestepRowLevelSecurityThroughAPartition() {
        String partition = partitionName(THIS_MONTH);
        assertSqlState("42501", () -> query(app, "SELECT count(*) FROM " + partition), "direct partition read");
        assertSqlState("42501", () -> execute(app, "INSERT INTO " + partition + " (event_id, anonymous_id, type, occurred_at) "
                + "VALUES (gen_random_uuid(), 'x', 'open', now())"), "direct partition write");
    }

    @Test
    void ensureUsageEventPartitionsIsIdempotentAndAvailableToTheAppRole() throws SQLException {
        assertEquals(List.of(), callSet(app, "SELECT * FROM ensure_usage_event_partitions(2)"));
        assertEquals(List.of(partitionName(THIS_MONTH.plusMonths(3)), partitionName(THIS_MONTH.plusMonths(4))),
                callSet(app, "SELECT * FROM ensure_usage_event_partitions(4)"));
        assertEquals(List.of(), callSet(app, "SELECT * FROM ensure_usage_event_partitions(4)"));
        assertSqlState("22023", () -> callSet(app, "SELECT * FROM ensure_usage_event_partitions(-1)"), "negative");
        // Created by the owner: the app role gets no direct access to the new partition either.
        assertSqlState("42501", () -> query(app, "SELECT count(*) FROM " + partitionName(THIS_MONTH.plusMonths(4))), "new partition");
    }

    @Test
    void dropUsageEventPartitionsBeforeRemovesOnlyOldMonths() throws SQLException {
        YearMonth m3 = THIS_MONTH.minusMonths(3);
        YearMonth m2 = THIS_MONTH.minusMonths(2);
        YearMonth m1 = THIS_MONTH.minusMonths(1);
        assertEquals(List.of(partitionName(m3), partitionName(m2)), callSet(app, "SELECT * FROM ensure_usage_event_partitions(0, 3)"));

        UUID user = UUID.randomUUID();
        insert(superuser, UUID.randomUUID(), user, null, m3.atDay(15).atStartOfDay().atOffset(ZoneOffset.UTC), false);
        insert(superuser, UUID.randomUUID(), user, null, m1.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC), false);
        insert(superuser, UUID.randomUUID(), user, null, m1.atEndOfMonth().atTime(23, 59, 59).atOffset(ZoneOffset.UTC), false);
        insert(superuser, UUID.randomUUID(), user, null, OffsetDateTime.now(ZoneOffset.UTC), false);

        // A cutoff inside last month: the months wholly before it go, the straddling month stays whole.
        OffsetDateTime cutoff = m1.atDay(10).atStartOfDay().atOffset(ZoneOffset.UTC);
        try (PreparedStatement ps = app.prepareStatement("SELECT * FROM drop_usage_event_partitions_before(?)")) {
            ps.setObject(1, cutoff);
            assertEquals(List.of(partitionName(m3), partitionName(m2)), strings(ps.executeQuery()));
            assertEquals(List.of(), strings(ps.executeQuery()), "nothing left to drop");
        }

        List<String> left = partitions();
        assertTrue(left.contains(partitionName(m1)) && left.contains(partitionName(THIS_MONTH)), left.toString());
        assertTrue(!left.contains(partitionName(m3)) && !left.contains(partitionName(m2)), left.toString());
        assertEquals("3", query(superuser, "SELECT count(*) FROM usage_events WHERE user_id = '" + user + "'"));
    }

    @Test
    void aSenderClaimsEachEventIdOnceAndOnlyAsItself() throws SQLException {
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();

        AppRole.begin(app, alice, "user");
        assertEquals(List.of(alice.toString()), claim(app, alice.toString(), eventId), "new: returned");
        assertEquals(List.of(), claim(app, alice.toString(), eventId), "claimed already: nothing returned");
        app.commit();
        AppRole.begin(app, alice, "user");
        assertSqlState("42501", () -> claim(app, bob.toString(), eventId), "as someone else");
        app.rollback();

        // Anonymous ids of several installations in one batch: claimable and read back without app.anonymous_id.
        AppRole.begin(app, null, null);
        assertEquals(List.of("anon:device-a"), claim(app, "anon:device-a", eventId));
        assertEquals(List.of("anon:device-b"), claim(app, "anon:device-b", eventId));
        assertSqlState("42501", () -> claim(app, alice.toString(), UUID.randomUUID()), "a user's id with no identity set");
        app.rollback();

        AppRole.begin(app, bob, "user");
        assertEquals(0, executeUpdate(app, "DELETE FROM usage_event_ids"), "users delete nothing");
        assertEquals("0", query(app, "SELECT count(*) FROM usage_event_ids WHERE actor = '" + alice + "'"),
                "another user's ids are not visible");
        assertSqlState("42501", () -> execute(app, "UPDATE usage_event_ids SET received_at = now()"), "claims are never changed");
        app.rollback();

        AppRole.begin(app, UUID.randomUUID(), "admin");
        assertEquals(1, claim(app, bob.toString(), eventId).size(), "admin replaying a parked batch");
        assertEquals(2, executeUpdate(app, "DELETE FROM usage_event_ids WHERE event_id = '" + eventId + "'"));
        app.commit();
        app.setAutoCommit(true);
    }

    @Test
    void eventsStoredBeforeTheIdsTableExistedClaimTheirIdsWhenItIsCreated() throws Exception {
        // As on a managed database: the owner is no superuser, so row-level security applies to it (FORCE).
        TestPostgres.execute("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ids_migrator') "
                + "THEN CREATE ROLE ids_migrator LOGIN PASSWORD 'ids-m1grator' NOSUPERUSER NOCREATEROLE NOBYPASSRLS; END IF; END $$");
        String db = TestPostgres.createDatabase("ids_backfill", "ids_migrator");
        org.flywaydb.core.Flyway.configure().locations(Migrations.LOCATION)
                .dataSource(TestPostgres.jdbcUrl(db), "ids_migrator", "ids-m1grator").target("10").load().migrate();
        UUID user = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        try (Connection owner = java.sql.DriverManager.getConnection(TestPostgres.jdbcUrl(db), "ids_migrator", "ids-m1grator")) {
            owner.setAutoCommit(false);
            execute(owner, "SELECT set_config('app.role', 'admin', true)");
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            insert(owner, eventId, user, null, now.minusMinutes(2), false);
            insert(owner, eventId, user, null, now.minusMinutes(1), false); // stored twice before: one claim
            insert(owner, eventId, null, "device-old", now, false);
            owner.commit();
        }

        Migrations.migrate(TestPostgres.jdbcUrl(db), "ids_migrator", "ids-m1grator");

        try (Connection c = TestPostgres.superuser(db)) {
            assertEquals("2", query(c, "SELECT count(*) FROM usage_event_ids WHERE event_id = '" + eventId + "'"));
            assertEquals("1", query(c, "SELECT count(*) FROM usage_event_ids WHERE actor = 'anon:device-old'"));
            assertEquals("3", query(c, "SELECT count(*) FROM usage_events WHERE served IS NULL"), "served: unknown before");
        }
    }

    // --- helpers -------------------------------------------------------------------------------------

    private static List<String> claim(Connection c, String actor, UUID eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_event_ids (actor, event_id) VALUES (?, ?) "
                + "ON CONFLICT DO NOTHING RETURNING actor")) {
            ps.setString(1, actor);
            ps.setObject(2, eventId);
            return strings(ps.executeQuery());
        }
    }

    private static String partitionName(YearMonth month) {
        return String.format("usage_events_%04d_%02d", month.getYear(), month.getMonthValue());
    }

    private static List<String> partitions() throws SQLException {
        return callSet(superuser, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = 'usage_events'::regclass ORDER BY 1");
    }

    private static int insert(Connection c, UUID eventId, UUID userId, String anonymousId, OffsetDateTime occurredAt,
            boolean onConflictDoNothing) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_events "
                + "(event_id, user_id, anonymous_id, type, item_id, surface, lane, feed_request_id, occurred_at, meta) "
                + "VALUES (?, ?, ?, 'impression', 'post:1', 'home', 'main', 'req-1', ?, '{\"position\": 3}'::jsonb)"
                + (onConflictDoNothing ? " ON CONFLICT DO NOTHING" : ""))) {
            ps.setObject(1, eventId);
            ps.setObject(2, userId);
            ps.setString(3, anonymousId);
            ps.setObject(4, occurredAt);
            return ps.executeUpdate();
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> callSet(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return strings(s.executeQuery(sql));
        }
    }

    private static List<String> strings(ResultSet rs) throws SQLException {
        try (rs) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int executeUpdate(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }
}
