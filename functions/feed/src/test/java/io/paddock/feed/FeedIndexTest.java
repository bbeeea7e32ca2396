package io.paddock.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.db.Migrations;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.db.Database;
import io.paddock.shared.http.QueryParams;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The feed queries walk indexes, never the whole of posts or post_targets: on a database with 120,000
 * posts, EXPLAIN of the SQL that {@link FeedQueries} sends — captured from the class itself, so the
 * statement and its parameters are exactly what production binds — must contain no Seq Scan of either
 * table, for the first page and for a cursor in the middle of a feed. Plans are the planner's choice
 * after ANALYZE; a table of a few rows would be scanned sequentially whatever the indexes, which is why
 * the data is large and shaped like a social graph (everyone follows 50 users and 10 entities, 30 % of
 * posts target one or two entities, some likes, hides and blocks).
 *
 * <p>All rows belong to users whose ids start with a random per-run prefix, so other tests of this JVM
 * (they make their own users) see none of them in their feeds.
 */
class FeedIndexTest {

    static final int USERS = 2_000;
    static final int ENTITIES = 200;
    static final int POSTS = 120_000;
    static final int FOLLOWS_PER_USER = 50;
    static final int ENTITY_FOLLOWS_PER_USER = 10;
    static final int PAGE = QueryParams.DEFAULT_LIMIT;
    static final Set<String> FEED_TABLES = Set.of("posts", "post_targets");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String url;
    private static String tag;
    private static RecordingDatabase recorder;
    private static FeedQueries queries;
    private static UUID viewer;
    private static UUID author;
    private static UUID entity;

    @BeforeAll
    static void seedASocialGraphWithOverOneHundredThousandPosts() throws SQLException {
        url = PaddockStoresTestResource.stores().databaseUrl();
        tag = UUID.randomUUID().toString().substring(0, 8);
        viewer = userId(1);
        author = userId(2);
        entity = entityId(1);
        try (Connection c = Migrations.connect(url); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String statement : seedStatements()) {
                s.execute(statement);
            }
            c.commit();
            c.setAutoCommit(true);
            s.execute("ANALYZE users, entities, user_follows, entity_follows, user_blocks, posts, post_targets, post_actions");
        }
        recorder = new RecordingDatabase(url);
        queries = new FeedQueries(recorder);
    }

    @AfterAll
    static void closePool() {
        if (recorder != null) {
            recorder.dataSource().close();
        }
    }

    @Test
    void homeFeedQueryUsesIndexesNotASequentialScanOfPosts() throws SQLException {
        queries.home(viewer, null, PAGE);
        assertNoSequentialScanOfFeedTables("home feed, first page", recorder.take());

        FeedCursor middle = cursorAt("SELECT created_at, id FROM posts WHERE author_id IN "
                + "(SELECT followee_id FROM user_follows WHERE follower_id = ?) ORDER BY created_at DESC, id DESC", viewer, 1_000);
        queries.home(viewer, middle, PAGE);
        assertNoSequentialScanOfFeedTables("home feed, mid-feed cursor", recorder.take());
    }

    @Test
    void profileFeedQueryUsesIndexesNotASequentialScanOfPosts() throws SQLException {
        queries.profile(author, null, PAGE);
        assertNoSequentialScanOfFeedTables("profile feed, first page", recorder.take());

        FeedCursor middle = cursorAt("SELECT created_at, id FROM posts WHERE author_id = ? ORDER BY created_at DESC, id DESC",
                author, POSTS / USERS / 2);
        queries.profile(author, middle, PAGE);
        assertNoSequentialScanOfFeedTables("profile feed, mid-feed cursor", recorder.take());
    }

    @Test
    void entityFeedQueryUsesIndexesNotASequentialScanOfPostTargets() throws SQLException {
        queries.entity(entity, null, PAGE);
        assertNoSequentialScanOfFeedTables("entity feed, first page", recorder.take());

        FeedCursor middle = cursorAt("SELECT post_created_at, post_id FROM post_targets WHERE entity_id = ? "
                + "ORDER BY post_created_at DESC, post_id DESC", entity, 100);
        queries.entity(entity, middle, PAGE);
        assertNoSequentialScanOfFeedTables("entity feed, mid-feed cursor", recorder.take());
    }

    /** The check itself can fail: without the indexes on posts the same profile query is caught scanning. */
    @Test
    void theCheckCatchesASequentialScanOfPostsWhenItsIndexesAreMissing() throws SQLException {
        queries.profile(author, null, PAGE);
        List<Captured> captured = recorder.take();
        try (Connection c = Migrations.connect(url); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                // Transactional DDL: rolled back below, no other test ever sees posts without them.
                s.execute("DROP INDEX posts_author_feed_idx");
                s.execute("DROP INDEX posts_recent_idx");
                List<String> scans = new ArrayList<>();
                for (Captured statement : captured) {
                    scans.addAll(sequentialScansOfFeedTables(explain(c, statement, "JSON")));
                }
                assertFalse(scans.isEmpty(), "the profile query without the posts indexes should scan posts");
                assertTrue(scans.get(0).startsWith("Seq Scan on posts"), scans.get(0));
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void theSeedHasTheShapeTheseTestsRelyOn() throws SQLException {
        String mine = tag + "-%";
        assertEquals(POSTS, count("SELECT count(*) FROM posts WHERE id::text LIKE ?", mine));
        assertEquals(FOLLOWS_PER_USER, count("SELECT count(*) FROM user_follows WHERE follower_id = ?", viewer));
        assertEquals(ENTITY_FOLLOWS_PER_USER, count("SELECT count(*) FROM entity_follows WHERE user_id = ?", viewer));
        long targeted = count("SELECT count(DISTINCT post_id) FROM post_targets WHERE post_id::text LIKE ?", mine);
        assertEquals(0.30, (double) targeted / POSTS, 0.01, "share of posts that target an entity");
    }

    // ---- the check ----

    private static void assertNoSequentialScanOfFeedTables(String feed, List<Captured> captured) throws SQLException {
        assertFalse(captured.isEmpty(), feed + ": FeedQueries sent no statement");
        try (Connection c = Migrations.connect(url)) {
            for (Captured statement : captured) {
                List<String> scans = sequentialScansOfFeedTables(explain(c, statement, "JSON"));
                if (!scans.isEmpty()) {
                    fail(feed + ": " + String.join("; ", scans) + "\n" + explain(c, statement, "TEXT").asText()
                            + "\nSQL: " + statement.sql() + "\nparameters: " + statement.parameters().values());
                }
            }
        }
    }

    /** Every Seq Scan of posts or post_targets in the plan, named with its path from the root. */
    static List<String> sequentialScansOfFeedTables(JsonNode explained) {
        List<String> found = new ArrayList<>();
        walk(explained.get(0).get("Plan"), "", found);
        return found;
    }

    private static void walk(JsonNode node, String path, List<String> found) {
        String type = node.path("Node Type").asText();
        String here = path.isEmpty() ? type : path + " > " + type;
        String relation = node.path("Relation Name").asText("");
        if (type.equals("Seq Scan") && FEED_TABLES.contains(relation)) {
            found.add("Seq Scan on " + relation + " " + node.path("Alias").asText("") + " (at " + here + ", filter "
                    + node.path("Filter").asText("none") + ")");
        }
        // InitPlans and SubPlans (the NOT EXISTS and ARRAY(...) subqueries) are children here too.
        for (JsonNode child : node.path("Plans")) {
            walk(child, here, found);
        }
    }

    private static JsonNode explain(Connection c, Captured statement, String format) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("EXPLAIN (FORMAT " + format + ") " + statement.sql())) {
            for (Map.Entry<Integer, Object> p : statement.parameters().entrySet()) {
                if (p.getValue() instanceof Timestamp t) {
                    s.setTimestamp(p.getKey(), t);
                } else {
                    s.setObject(p.getKey(), p.getValue());
                }
            }
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            try {
                return format.equals("JSON") ? JSON.readTree(out.toString()) : JSON.getNodeFactory().textNode(out.toString());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("EXPLAIN did not answer JSON: " + out, e);
            }
        }
    }

    // ---- data ----

    static UUID userId(int n) {
        return UUID.fromString(tag + "-0000-7000-8000-" + String.format("%012d", n));
    }

    static UUID entityId(int n) {
        return UUID.fromString(tag + "-0001-7000-8000-" + String.format("%012d", n));
    }

    /** The keyset position of the row at {@code offset} of {@code query} (newest first). */
    private static FeedCursor cursorAt(String query, UUID param, int offset) throws SQLException {
        try (Connection c = Migrations.connect(url); PreparedStatement s = c.prepareStatement(query + " OFFSET ? LIMIT 1")) {
            s.setObject(1, param);
            s.setInt(2, offset);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "no row at offset " + offset + " of " + query);
                return new FeedCursor(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getObject(2, UUID.class));
            }
        }
    }

    private static long count(String query, Object param) throws SQLException {
        try (Connection c = Migrations.connect(url); PreparedStatement s = c.prepareStatement(query)) {
            s.setObject(1, param);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Ids are {@code <tag>-<kind>-7000-8000-<n>}: kind 0000 users, 0001 entities, 0002 posts. Posts are
     * spread over the authors evenly and over the last ~330 days, newest first by number; every 50th is
     * soft-deleted. Posts are one INSERT ... generate_series, as are targets, follows and actions.
     */
    private static List<String> seedStatements() {
        String u = "('" + tag + "-0000-7000-8000-' || lpad((%s)::text, 12, '0'))::uuid";
        String e = "('" + tag + "-0001-7000-8000-' || lpad((%s)::text, 12, '0'))::uuid";
        String p = "('" + tag + "-0002-7000-8000-' || lpad((%s)::text, 12, '0'))::uuid";
        return List.of(
                "INSERT INTO users (id, email, handle, display_name, password_hash) SELECT " + u.formatted("i")
                        + ", 'ix-" + tag + "-' || i || '@example.com', 'ix" + tag + "_' || i, 'Index user ' || i, '!test' "
                        + "FROM generate_series(1, " + USERS + ") i",
                "INSERT INTO entities (id, kind, name) SELECT " + e.formatted("i") + ", 'topic', 'Index topic ' || i "
                        + "FROM generate_series(1, " + ENTITIES + ") i",
                // User i follows the 50 users after it (wrapping) and 10 entities spread by a stride.
                "INSERT INTO user_follows (follower_id, followee_id) SELECT " + u.formatted("i") + ", "
                        + u.formatted("(i - 1 + k) % " + USERS + " + 1") + " FROM generate_series(1, " + USERS
                        + ") i, generate_series(1, " + FOLLOWS_PER_USER + ") k",
                "INSERT INTO entity_follows (user_id, entity_id) SELECT " + u.formatted("i") + ", "
                        + e.formatted("(i * 7 + (k - 1) * 20) % " + ENTITIES + " + 1") + " FROM generate_series(1, "
                        + USERS + ") i, generate_series(1, " + ENTITY_FOLLOWS_PER_USER + ") k",
                "INSERT INTO posts (id, author_id, body, created_at, deleted_at) SELECT " + p.formatted("i") + ", "
                        + u.formatted("(i * 7919) % " + USERS + " + 1") + ", 'Index post ' || i, "
                        + "now() - i * interval '4 minutes', CASE WHEN i % 50 = 0 THEN now() END "
                        + "FROM generate_series(1, " + POSTS + ") i",
                // 30 % of posts target an entity, a third of those a second one (the trigger copies created_at).
                "INSERT INTO post_targets (post_id, entity_id) SELECT " + p.formatted("i") + ", "
                        + e.formatted("(i * 31) % " + ENTITIES + " + 1") + " FROM generate_series(1, " + POSTS
                        + ") i WHERE i % 10 < 3 "
                        + "UNION ALL SELECT " + p.formatted("i") + ", " + e.formatted("(i * 31 + 1) % " + ENTITIES + " + 1")
                        + " FROM generate_series(1, " + POSTS + ") i WHERE i % 10 = 0",
                "INSERT INTO post_actions (user_id, post_id, type) SELECT " + u.formatted("(i * 13) % " + USERS + " + 1")
                        + ", " + p.formatted("i") + ", CASE WHEN i % 40 = 0 THEN 'hide' ELSE 'like' END "
                        + "FROM generate_series(1, " + POSTS + ", 3) i",
                "INSERT INTO user_blocks (blocker_id, blocked_id) SELECT " + u.formatted("i") + ", "
                        + u.formatted("(i + 1000) % " + USERS + " + 1") + " FROM generate_series(1, " + USERS + ", 5) i "
                        + "UNION ALL SELECT " + u.formatted("1") + ", " + u.formatted("3"));
    }

    // ---- capturing what FeedQueries sends ----

    record Captured(String sql, TreeMap<Integer, Object> parameters) {
    }

    /**
     * A {@link Database} whose transactions hand FeedQueries a connection that records each prepared
     * statement and its parameters and answers every query with no rows. Anything else FeedQueries might
     * start doing (another kind of statement, another setter) fails loudly here, so the captured SQL can
     * never silently differ from what runs in production.
     */
    static final class RecordingDatabase extends Database {

        private final List<Captured> captured = new ArrayList<>();

        RecordingDatabase(String url) {
            super(config(url)); // builds an idle pool; no connection is opened
        }

        synchronized List<Captured> take() {
            List<Captured> all = List.copyOf(captured);
            captured.clear();
            return all;
        }

        @Override
        public synchronized <T> T inTransaction(SqlWork<T> work) throws SQLException {
            return work.run(proxy(Connection.class, (self, method, args) -> switch (method.getName()) {
                case "prepareStatement" -> {
                    if (args.length != 1) {
                        throw new UnsupportedOperationException("prepareStatement with options");
                    }
                    Captured statement = new Captured((String) args[0], new TreeMap<>());
                    captured.add(statement);
                    yield recording(statement);
                }
                case "close", "setAutoCommit", "commit", "rollback" -> null;
                default -> throw new UnsupportedOperationException("Connection." + method.getName()
                        + ": FeedIndexTest's recorder does not know it yet");
            }));
        }

        private static PreparedStatement recording(Captured statement) {
            return proxy(PreparedStatement.class, (self, method, args) -> switch (method.getName()) {
                case "setObject", "setTimestamp", "setString", "setInt", "setLong" -> {
                    statement.parameters().put((Integer) args[0], args[1]);
                    yield null;
                }
                case "executeQuery" -> proxy(ResultSet.class, (rs, m, a) -> switch (m.getName()) {
                    case "next" -> false;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException("ResultSet." + m.getName());
                });
                case "close" -> null;
                default -> throw new UnsupportedOperationException("PreparedStatement." + method.getName()
                        + ": FeedIndexTest's recorder does not know it yet");
            });
        }

        private static PaddockConfig config(String url) {
            PaddockConfig.Database database = proxy(PaddockConfig.Database.class, (self, method, args) -> switch (method.getName()) {
                case "url" -> Optional.of(url);
                case "username", "password" -> Optional.empty();
                case "poolMaxSize" -> 1;
                case "iamAuth" -> false;
                default -> Duration.ofSeconds(5); // the time limits
            });
            return proxy(PaddockConfig.class, (self, method, args) -> {
                if (method.getName().equals("database")) {
                    return database;
                }
                throw new UnsupportedOperationException("PaddockConfig." + method.getName());
            });
        }

        @SuppressWarnings("unchecked")
        private static <T> T proxy(Class<T> type, InvocationHandler handler) {
            return (T) Proxy.newProxyInstance(FeedIndexTest.class.getClassLoader(), new Class<?>[] {type}, handler);
        }
    }
}
