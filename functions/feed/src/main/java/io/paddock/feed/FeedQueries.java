package io.paddock.feed;

import io.paddock.feed.FeedDocuments.Author;
import io.paddock.feed.FeedDocuments.Page;
import io.paddock.feed.FeedDocuments.Post;
import io.paddock.shared.db.Database;
import io.paddock.shared.http.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The feed queries, keyset-paginated on (created_at, id) newest first. Each branch walks one index in
 * order and stops after limit + 1 rows that pass its filters, so a page costs about limit index entries
 * per branch, whatever the table sizes (FeedIndexTest checks the plans with EXPLAIN).
 *
 * <p>Home fuses three branches — own posts, posts by followed users, posts targeting followed entities —
 * with UNION, which also removes the duplicate when one post reaches the viewer twice (e.g. it targets
 * two followed entities). The viewer's hidden and reported posts and blocked authors (table user_blocks)
 * are filtered inside each branch, before its LIMIT, so filtered posts never leave a page short.
 */
@ApplicationScoped
public class FeedQueries {

    /** Before every post: the first page starts here. */
    static final Instant TOP = Instant.parse("9999-12-31T23:59:59Z");
    static final UUID TOP_ID = UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff");

    static final String NOT_HIDDEN = "NOT EXISTS (SELECT 1 FROM post_actions a WHERE a.user_id = :viewer AND a.post_id = %s "
            + "AND a.type IN ('hide', 'report'))";

    /** The page's (id, created_at) of the viewer's home feed, after the keyset (:at, :id), :n rows. */
    static final String HOME_PAGE = "WITH page AS (SELECT id, created_at FROM ("
            + "(SELECT p.id, p.created_at FROM posts p WHERE p.author_id = :viewer AND p.deleted_at IS NULL "
            + "AND (p.created_at, p.id) < (:at, :id) AND " + NOT_HIDDEN.formatted("p.id")
            + " ORDER BY p.created_at DESC, p.id DESC LIMIT :n) "
            + "UNION (SELECT fp.id, fp.created_at FROM user_follows f CROSS JOIN LATERAL ("
            + "SELECT p.id, p.created_at FROM posts p WHERE p.author_id = f.followee_id AND p.deleted_at IS NULL "
            + "AND (p.created_at, p.id) < (:at, :id) AND " + NOT_HIDDEN.formatted("p.id")
            + " ORDER BY p.created_at DESC, p.id DESC LIMIT :n) fp WHERE f.follower_id = :viewer "
            + "AND NOT EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = f.follower_id AND b.blocked_id = f.followee_id)) "
            + "UNION (SELECT tp.id, tp.created_at FROM entity_follows ef CROSS JOIN LATERAL ("
            + "SELECT t.post_id AS id, t.post_created_at AS created_at FROM post_targets t JOIN posts p ON p.id = t.post_id "
            + "WHERE t.entity_id = ef.entity_id AND (t.post_created_at, t.post_id) < (:at, :id) AND p.deleted_at IS NULL AND "
            + NOT_HIDDEN.formatted("t.post_id")
            + " AND NOT EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = :viewer AND b.blocked_id = p.author_id) "
            + "ORDER BY t.post_created_at DESC, t.post_id DESC LIMIT :n) tp WHERE ef.user_id = :viewer)"
            + ") fused ORDER BY created_at DESC, id DESC LIMIT :n) ";

    static final String PROFILE_PAGE = "WITH page AS (SELECT p.id, p.created_at FROM posts p WHERE p.author_id = :author "
            + "AND p.deleted_at IS NULL AND (p.created_at, p.id) < (:at, :id) ORDER BY p.created_at DESC, p.id DESC LIMIT :n) ";

    static final String ENTITY_PAGE = "WITH page AS (SELECT t.post_id AS id, t.post_created_at AS created_at FROM post_targets t "
            + "JOIN posts p ON p.id = t.post_id WHERE t.entity_id = :entity AND p.deleted_at IS NULL "
            + "AND (t.post_created_at, t.post_id) < (:at, :id) ORDER BY t.post_created_at DESC, t.post_id DESC LIMIT :n) ";

    /** What every feed shows of a post; likeCount and targets are read for the page's rows only. */
    static final String POSTS_OF_PAGE = "SELECT p.id, p.author_id, u.handle, u.display_name, p.body, p.created_at, "
            + "ARRAY(SELECT t.entity_id FROM post_targets t WHERE t.post_id = p.id ORDER BY t.entity_id) AS targets, "
            + "(SELECT count(*) FROM post_actions a WHERE a.post_id = p.id AND a.type = 'like') AS likes "
            + "FROM page JOIN posts p ON p.id = page.id JOIN users u ON u.id = p.author_id "
            + "ORDER BY page.created_at DESC, page.id DESC";

    static final NamedSql HOME = NamedSql.of(HOME_PAGE + POSTS_OF_PAGE);
    static final NamedSql PROFILE = NamedSql.of(PROFILE_PAGE + POSTS_OF_PAGE);
    static final NamedSql ENTITY = NamedSql.of(ENTITY_PAGE + POSTS_OF_PAGE);

    // A deleted account keeps its row (its handle stays reserved for a grace period) but is nobody's to find.
    static final String USER_BY_HANDLE = "SELECT id FROM users WHERE handle = ? AND deleted_at IS NULL";
    /** The first user found with a post: stops at the first hit of the posts-by-author index. */
    static final String A_HANDLE_WITH_POSTS = "SELECT u.handle FROM users u WHERE EXISTS "
            + "(SELECT 1 FROM posts p WHERE p.author_id = u.id AND p.deleted_at IS NULL) LIMIT 1";
    static final String ENTITY_EXISTS = "SELECT 1 FROM entities WHERE id = ?";

    private final Database database;
    private final AtomicLong pageQueries = new AtomicLong();

    public FeedQueries(Database database) {
        this.database = database;
    }

    /** How many feed pages were read from PostgreSQL by this container (stampede tests count them). */
    public long pageQueries() {
        return pageQueries.get();
    }

    public Page home(UUID viewer, FeedCursor cursor, int limit) throws SQLException {
        return page(HOME, limit, Map.of("viewer", viewer), cursor);
    }

    public Page profile(UUID author, FeedCursor cursor, int limit) throws SQLException {
        return page(PROFILE, limit, Map.of("author", author), cursor);
    }

    public Page entity(UUID entity, FeedCursor cursor, int limit) throws SQLException {
        return page(ENTITY, limit, Map.of("entity", entity), cursor);
    }

    public Optional<UUID> userByHandle(String handle) throws SQLException {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(USER_BY_HANDLE)) {
                s.setString(1, handle);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
                }
            }
        });
    }

    /** A user whose public profile feed has posts, if any: what SnapStart priming renders (FeedPriming). */
    public Optional<String> aHandleWithPosts() throws SQLException {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(A_HANDLE_WITH_POSTS);
                    ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }

    public boolean entityExists(UUID entity) throws SQLException {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(ENTITY_EXISTS)) {
                s.setObject(1, entity);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** One post as the feeds show it (after it was created). */
    Optional<Post> post(Connection c, UUID postId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("WITH page AS (SELECT id, created_at FROM posts WHERE id = ?) "
                + POSTS_OF_PAGE)) {
            s.setObject(1, postId);
            List<Post> posts = read(s);
            return posts.isEmpty() ? Optional.empty() : Optional.of(posts.get(0));
        }
    }

    /**
     * One page of {@code statement}, newest first, after {@code cursor} (null: from the top): the keyset
     * {@code :at, :id} and {@code :n} (one row more than the page, to tell whether another page follows)
     * are bound here, the feed's own parameters come in {@code owner}.
     */
    private Page page(NamedSql statement, int limit, Map<String, Object> owner, FeedCursor cursor) throws SQLException {
        Map<String, Object> values = new HashMap<>(owner);
        values.put("at", cursor == null ? TOP : cursor.createdAt());
        values.put("id", cursor == null ? TOP_ID : cursor.id());
        values.put("n", limit + 1);
        pageQueries.incrementAndGet();
        List<Post> rows = database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(statement.sql())) {
                statement.bind(s, values);
                return read(s);
            }
        });
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<Post> items = new ArrayList<>(rows.subList(0, limit));
        Post last = items.get(limit - 1);
        return new Page(items, new FeedCursor(createdAtOf(last), last.id()).encode());
    }

    static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant instant) {
                s.setTimestamp(i + 1, Timestamp.from(instant));
            } else {
                s.setObject(i + 1, p);
            }
        }
    }

    private static List<Post> read(PreparedStatement s) throws SQLException {
        List<Post> posts = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Array targets = rs.getArray("targets");
                UUID[] ids = (UUID[]) targets.getArray();
                Instant createdAt = rs.getTimestamp("created_at").toInstant();
                posts.add(new Post(rs.getObject("id", UUID.class),
                        new Author(rs.getObject("author_id", UUID.class), rs.getString("handle"), rs.getString("display_name")),
                        rs.getString("body"), Arrays.asList(ids), Timestamps.format(createdAt), rs.getLong("likes"),
                        createdAt));
            }
        }
        return posts;
    }

    private static Instant createdAtOf(Post post) {
        return post.keysetCreatedAt();
    }
}
