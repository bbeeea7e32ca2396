package io.paddock.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core tables' rules, exercised as the application role (which is how the services meet them). */
class SchemaTest {

    private static String db;
    private static Connection app;
    private static int handles;

    @BeforeAll
    static void migrate() throws SQLException {
        db = TestPostgres.migratedDatabase("schema");
        app = AppRole.connect(db);
    }

    @AfterAll
    static void close() throws SQLException {
        app.close();
    }

    @Test
    void handleMustBeLowercaseWordCharacters() throws SQLException {
        insertUser("ada_99", "ada99@example.com");
        insertUser("a_b", "abc@example.com");
        insertUser("x".repeat(30), "thirty@example.com");
        for (String bad : new String[] {"Ada", "ab", "a-b", "ada lovelace", "ada.l", "x".repeat(31), "émile", " ada", ""}) {
            assertSqlState("23514", () -> insertUser(bad, UUID.randomUUID() + "@example.com"), bad);
        }
        assertSqlState("23505", () -> insertUser("ada_99", "other@example.com"), "duplicate handle");
    }

    @Test
    void emailIsUniqueRegardlessOfCase() throws SQLException {
        insertUser(nextHandle(), "Grace@Example.com");
        assertSqlState("23505", () -> insertUser(nextHandle(), "grace@example.com"), "same e-mail, other case");
        assertSqlState("23514", () -> insertUser(nextHandle(), " padded@example.com"), "untrimmed");
        assertSqlState("23514", () -> insertUser(nextHandle(), "no-at-sign"), "no @");
    }

    @Test
    void roleIsUserByDefaultAndOnlyUserOrAdmin() throws SQLException {
        UUID id = insertUser(nextHandle(), UUID.randomUUID() + "@example.com");
        assertEquals("user", queryString("SELECT role FROM users WHERE id = '" + id + "'"));
        execute("UPDATE users SET role = 'admin' WHERE id = '" + id + "'");
        assertSqlState("23514", () -> execute("UPDATE users SET role = 'root' WHERE id = '" + id + "'"), "root");
    }

    @Test
    void nobodyFollowsOrBlocksThemselves() throws SQLException {
        UUID a = newUser();
        UUID b = newUser();
        execute("INSERT INTO user_follows (follower_id, followee_id) VALUES ('" + a + "', '" + b + "')");
        assertSqlState("23505", () -> execute("INSERT INTO user_follows (follower_id, followee_id) VALUES ('" + a + "', '" + b + "')"), "twice");
        assertSqlState("23514", () -> execute("INSERT INTO user_follows (follower_id, followee_id) VALUES ('" + a + "', '" + a + "')"), "self-follow");
        execute("INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ('" + a + "', '" + b + "')");
        assertSqlState("23514", () -> execute("INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ('" + b + "', '" + b + "')"), "self-block");
        UUID entity = newEntity(a);
        execute("INSERT INTO entity_follows (user_id, entity_id) VALUES ('" + a + "', '" + entity + "')");
        assertSqlState("23505", () -> execute("INSERT INTO entity_follows (user_id, entity_id) VALUES ('" + a + "', '" + entity + "')"), "twice");
    }

    @Test
    void postBodyIsOneTo5000Characters() throws SQLException {
        UUID author = newUser();
        newPost(author, "x".repeat(5000), Instant.now());
        newPost(author, "🦄".repeat(5000), Instant.now()); // characters, not bytes
        assertSqlState("23514", () -> newPost(author, "x".repeat(5001), Instant.now()), "5001");
        assertSqlState("23514", () -> newPost(author, "", Instant.now()), "empty");
    }

    @Test
    void postActionIsStoredOncePerUserPostAndType() throws SQLException {
        UUID user = newUser();
        UUID post = newPost(newUser(), "hello", Instant.now());
        String like = "INSERT INTO post_actions (user_id, post_id, type) VALUES ('" + user + "', '" + post + "', 'like') ON CONFLICT DO NOTHING";
        assertEquals(1, executeUpdate(like));
        assertEquals(0, executeUpdate(like));
        assertEquals(1, executeUpdate(like.replace("'like'", "'save'")));
        assertSqlState("23514", () -> execute(like.replace("'like'", "'love'")), "unknown type");
        assertEquals("1", queryString("SELECT count(*) FROM post_actions WHERE post_id = '" + post + "' AND type = 'like'"));
    }

    @Test
    void postTargetsTakeTheirPostsCreationTimeForTheEntityFeed() throws SQLException {
        UUID author = newUser();
        Instant created = Instant.parse("2024-03-01T10:15:30.123Z");
        UUID post = newPost(author, "targets", created);
        UUID entity = newEntity(author);
        execute("INSERT INTO post_targets (post_id, entity_id) VALUES ('" + post + "', '" + entity + "')");
        try (PreparedStatement ps = app.prepareStatement("SELECT post_created_at FROM post_targets WHERE post_id = ?")) {
            ps.setObject(1, post);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(created, rs.getObject(1, OffsetDateTime.class).toInstant());
            }
        }
        assertSqlState("23503", () -> execute("INSERT INTO post_targets (post_id, entity_id) VALUES ('" + UUID.randomUUID() + "', '" + entity + "')"), "no such post");
    }

    @Test
    void feedKeysetQueriesWalkAnIndexWithoutSorting() throws SQLException {
        String[][] queries = {
            {"posts_author_feed_idx", "SELECT id FROM posts WHERE author_id = '" + UUID.randomUUID() + "' AND deleted_at IS NULL "
                + "AND (created_at, id) < (now(), '" + UUID.randomUUID() + "') ORDER BY created_at DESC, id DESC LIMIT 20"},
            {"posts_recent_idx", "SELECT id FROM posts WHERE (created_at, id) < (now(), '" + UUID.randomUUID() + "') "
                + "ORDER BY created_at DESC, id DESC LIMIT 20"},
            {"post_targets_entity_feed_idx", "SELECT post_id FROM post_targets WHERE entity_id = '" + UUID.randomUUID() + "' "
                + "AND (post_created_at, post_id) < (now(), '" + UUID.randomUUID() + "') ORDER BY post_created_at DESC, post_id DESC LIMIT 20"},
            {"post_actions_post_type_idx", "SELECT count(*) FROM post_actions WHERE post_id = '" + UUID.randomUUID() + "' AND type = 'like'"},
            {"user_follows_followee_idx", "SELECT follower_id FROM user_follows WHERE followee_id = '" + UUID.randomUUID() + "'"},
            {"entity_follows_entity_idx", "SELECT user_id FROM entity_follows WHERE entity_id = '" + UUID.randomUUID() + "'"},
        };
        app.setAutoCommit(false);
        try (Statement s = app.createStatement()) {
            // Empty tables: tell the planner that scanning them whole is not an option, as it is at scale.
            s.execute("SET LOCAL enable_seqscan = off");
            s.execute("SET LOCAL enable_bitmapscan = off");
            for (String[] q : queries) {
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = s.executeQuery("EXPLAIN " + q[1])) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                assertTrue(plan.toString().contains(q[0]), q[0] + " not used:\n" + plan);
                assertFalse(plan.toString().contains("Sort"), "sorts:\n" + plan);
            }
        } finally {
            app.rollback();
            app.setAutoCommit(true);
        }
    }

    @Test
    void appRoleChangesDataButNotTheSchema() {
        assertSqlState("42501", () -> execute("CREATE TABLE sneaky (id int)"), "create table");
        assertSqlState("42501", () -> execute("ALTER TABLE posts ADD COLUMN sneaky int"), "alter table");
        assertSqlState("42501", () -> execute("DROP TABLE user_blocks"), "drop table");
        assertSqlState("42501", () -> execute("SELECT * FROM flyway_schema_history"), "migration history");
    }

    // --- helpers -------------------------------------------------------------------------------------

    private static String nextHandle() {
        return "user_" + (++handles);
    }

    private static UUID newUser() throws SQLException {
        return insertUser(nextHandle(), UUID.randomUUID() + "@example.com");
    }

    private static UUID insertUser(String handle, String email) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = app.prepareStatement(
                "INSERT INTO users (id, email, handle, display_name, password_hash) VALUES (?, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setString(2, email);
            ps.setString(3, handle);
            ps.setString(4, "Someone");
            ps.setString(5, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
            ps.executeUpdate();
        }
        return id;
    }

    private static UUID newEntity(UUID createdBy) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = app.prepareStatement("INSERT INTO entities (id, kind, name, created_by) VALUES (?, 'team', 'Red Bull', ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, createdBy);
            ps.executeUpdate();
        }
        return id;
    }

    private static UUID newPost(UUID author, String body, Instant createdAt) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = app.prepareStatement("INSERT INTO posts (id, author_id, body, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, author);
            ps.setString(3, body);
            ps.setObject(4, createdAt.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        return id;
    }

    private static void execute(String sql) throws SQLException {
        try (Statement s = app.createStatement()) {
            s.execute(sql);
        }
    }

    private static int executeUpdate(String sql) throws SQLException {
        try (Statement s = app.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    private static String queryString(String sql) throws SQLException {
        try (Statement s = app.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    interface SqlAction {
        void run() throws SQLException;
    }

    static void assertSqlState(String expected, SqlAction action, String what) {
        SQLException e = assertThrows(SQLException.class, action::run, what);
        assertEquals(expected, e.getSQLState(), what + ": " + e.getMessage());
    }
}
