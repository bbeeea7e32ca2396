package io.paddock.feed;

import io.paddock.feed.FeedDocuments.Entity;
import io.paddock.feed.FeedDocuments.Post;
import io.paddock.shared.auth.Principal;
import io.paddock.shared.db.Database;
import io.paddock.shared.events.UsageEventRows;
import io.paddock.shared.http.Problem;
import io.paddock.shared.http.Timestamps;
import io.paddock.shared.idempotency.IdempotencyFilter;
import io.paddock.shared.idempotency.IdempotencyKeys;
import io.paddock.shared.ids.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotFoundException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Posts, follows, entities and actions. Every write then moves on the cache versions of the feeds it
 * changes ({@link FeedCache#bump}), after its transaction committed, so the next read shows it.
 */
@ApplicationScoped
public class FeedWrites {

    static final String EXISTING_ENTITIES = "SELECT id FROM entities WHERE id = ANY(?)";
    static final String INSERT_POST = "INSERT INTO posts (id, author_id, body, idempotency_key) VALUES (?, ?, ?, ?)";
    /** The live post an author made with an Idempotency-Key within the time its answer would have been kept. */
    static final String POST_OF_KEY = "SELECT id FROM posts WHERE author_id = ? AND idempotency_key = ? AND deleted_at IS NULL "
            + "AND created_at > now() - make_interval(secs => ?) ORDER BY created_at DESC LIMIT 1";
    static final String INSERT_TARGET = "INSERT INTO post_targets (post_id, entity_id) VALUES (?, ?)";
    static final String POST_FOR_DELETE = "SELECT author_id, ARRAY(SELECT entity_id FROM post_targets WHERE post_id = p.id) "
            + "FROM posts p WHERE id = ? AND deleted_at IS NULL FOR UPDATE";
    static final String SOFT_DELETE = "UPDATE posts SET deleted_at = now() WHERE id = ?";
    // Everyone whose home feed shows the author's or the entities' posts (capped: see FeedSettings.fanOutMax).
    static final String AUDIENCE = "SELECT follower_id FROM user_follows WHERE followee_id = ? "
            + "UNION SELECT user_id FROM entity_follows WHERE entity_id = ANY(?) LIMIT ?";
    static final String FOLLOW_USER = "INSERT INTO user_follows (follower_id, followee_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
    static final String UNFOLLOW_USER = "DELETE FROM user_follows WHERE follower_id = ? AND followee_id = ?";
    static final String FOLLOW_ENTITY = "INSERT INTO entity_follows (user_id, entity_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
    static final String UNFOLLOW_ENTITY = "DELETE FROM entity_follows WHERE user_id = ? AND entity_id = ?";
    static final String INSERT_ENTITY = "INSERT INTO entities (id, kind, name, created_by, idempotency_key) VALUES (?, ?, ?, ?, ?) "
            + "RETURNING created_at";
    /** As {@link #POST_OF_KEY}, for an entity. */
    static final String ENTITY_OF_KEY = "SELECT id, kind, name, created_at FROM entities WHERE created_by = ? AND idempotency_key = ? "
            + "AND created_at > now() - make_interval(secs => ?) ORDER BY created_at DESC LIMIT 1";
    static final String LIVE_POST = "SELECT 1 FROM posts WHERE id = ? AND deleted_at IS NULL";
    static final String INSERT_ACTION = "INSERT INTO post_actions (user_id, post_id, type) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

    private final Database database;
    private final FeedQueries queries;
    private final FeedCache cache;
    private final FeedSettings settings;

    public FeedWrites(Database database, FeedQueries queries, FeedCache cache, FeedSettings settings) {
        this.database = database;
        this.queries = queries;
        this.cache = cache;
        this.settings = settings;
    }

    public Post createPost(UUID author, String body, List<UUID> targets) throws SQLException {
        return createPost(author, body, targets, Optional.empty());
    }

    /**
     * With the request's {@code Idempotency-Key}: when the author already made a post with it (within the 24 h
     * its answer is kept), that post is the answer and nothing is written. The idempotency filter replays kept
     * answers before this runs; this covers the one it does not keep — a 5xx whose transaction had committed
     * (the reply to COMMIT lost), which a retry would otherwise publish twice. The same key with another body
     * or other targets is the contract's 422, as the filter answers it.
     */
    public Post createPost(UUID author, String body, List<UUID> targets, Optional<String> idempotencyKey) throws SQLException {
        Set<UUID> distinct = new LinkedHashSet<>(targets);
        UUID id = Ids.uuidV7();
        Post post = database.inTransaction(c -> {
            Optional<Post> earlier = idempotencyKey.isPresent() ? postOfKey(c, author, idempotencyKey.get()) : Optional.empty();
            if (earlier.isPresent()) {
                if (!earlier.get().body().equals(body) || !Set.copyOf(earlier.get().targetEntityIds()).equals(distinct)) {
                    throw IdempotencyFilter.keyReused();
                }
                return earlier.get();
            }
            List<UUID> missing = missingEntities(c, distinct);
            if (!missing.isEmpty()) {
                throw Problem.invalid("The post has invalid fields", List.of(new Problem.FieldError("targetEntityIds",
                        "no entity " + missing.get(0))));
            }
            try (PreparedStatement insert = c.prepareStatement(INSERT_POST)) {
                FeedQueries.bind(insert, id, author, body, idempotencyKey.orElse(null));
                insert.executeUpdate();
            }
            try (PreparedStatement target = c.prepareStatement(INSERT_TARGET)) {
                for (UUID entity : distinct) {
                    FeedQueries.bind(target, id, entity);
                    target.addBatch();
                }
                target.executeBatch();
            }
            return queries.post(c, id).orElseThrow();
        });
        cache.bump(audiences(author, distinct));
        return post;
    }

    private Optional<Post> postOfKey(Connection c, UUID author, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(POST_OF_KEY)) {
            FeedQueries.bind(s, author, key, IdempotencyKeys.KEEP.toSeconds());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? queries.post(c, rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    public void deletePost(Principal caller, UUID postId) throws SQLException {
        UUID[] authorAndTargets = database.inTransaction(c -> {
            UUID author;
            List<UUID> targets = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(POST_FOR_DELETE)) {
                s.setObject(1, postId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("No post " + postId);
                    }
                    author = rs.getObject(1, UUID.class);
                    Array array = rs.getArray(2);
                    targets.addAll(List.of((UUID[]) array.getArray()));
                }
            }
            if (!author.equals(caller.userId()) && !caller.isAdmin()) {
                throw new ForbiddenException("Only the author or an admin may delete a post");
            }
            try (PreparedStatement s = c.prepareStatement(SOFT_DELETE)) {
                s.setObject(1, postId);
                s.executeUpdate();
            }
            targets.add(0, author);
            return targets.toArray(UUID[]::new);
        });
        List<UUID> targets = List.of(authorAndTargets).subList(1, authorAndTargets.length);
        cache.bump(audiences(authorAndTargets[0], new LinkedHashSet<>(targets)));
    }

    public void followUser(UUID follower, UUID followee, boolean follow) throws SQLException {
        if (follower.equals(followee)) {
            throw Problem.invalid("The path has an invalid parameter",
                    List.of(new Problem.FieldError("handle", "is you; your own posts are in your home feed already")));
        }
        update(follow ? FOLLOW_USER : UNFOLLOW_USER, follower, followee);
        cache.bump(List.of(FeedCache.home(follower)));
    }

    public void followEntity(UUID user, UUID entity, boolean follow) throws SQLException {
        if (!queries.entityExists(entity)) {
            throw new NotFoundException("No entity " + entity);
        }
        update(follow ? FOLLOW_ENTITY : UNFOLLOW_ENTITY, user, entity);
        cache.bump(List.of(FeedCache.home(user)));
    }

    public Entity createEntity(UUID creator, String kind, String name) throws SQLException {
        return createEntity(creator, kind, name, Optional.empty());
    }

    /** With the request's {@code Idempotency-Key}: as {@link #createPost(UUID, String, List, Optional)}. */
    public Entity createEntity(UUID creator, String kind, String name, Optional<String> idempotencyKey) throws SQLException {
        UUID id = Ids.uuidV7();
        return database.inTransaction(c -> {
            if (idempotencyKey.isPresent()) {
                try (PreparedStatement s = c.prepareStatement(ENTITY_OF_KEY)) {
                    FeedQueries.bind(s, creator, idempotencyKey.get(), IdempotencyKeys.KEEP.toSeconds());
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            if (!rs.getString(2).equals(kind) || !rs.getString(3).equals(name)) {
                                throw IdempotencyFilter.keyReused();
                            }
                            return new Entity(rs.getObject(1, UUID.class), kind, name,
                                    Timestamps.format(rs.getTimestamp(4).toInstant()));
                        }
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(INSERT_ENTITY)) {
                FeedQueries.bind(s, id, kind, name, creator, idempotencyKey.orElse(null));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new Entity(id, kind, name, Timestamps.format(rs.getTimestamp(1).toInstant()));
                }
            }
        });
    }

    /**
     * Records like/save/hide/report once per (user, post, type); a repeat changes nothing. The first
     * time also becomes a usage event. Hide and report leave the viewer's home feed at once.
     */
    public void act(Principal viewer, UUID postId, String type) throws SQLException {
        database.inTransaction(c -> {
            UsageEventRows.Sender sender = new UsageEventRows.Sender(viewer.userId(), null, viewer.isAdmin());
            // The whole transaction acts as the viewer, as the usage event at its end must (row-level security).
            UsageEventRows.actAs(c, sender);
            try (PreparedStatement s = c.prepareStatement(LIVE_POST)) {
                s.setObject(1, postId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("No post " + postId);
                    }
                }
            }
            int inserted;
            try (PreparedStatement s = c.prepareStatement(INSERT_ACTION)) {
                FeedQueries.bind(s, viewer.userId(), postId, type);
                inserted = s.executeUpdate();
            }
            if (inserted == 1) {
                // The action as a usage event, in the same transaction (no HTTP hop), through telemetry's own
                // writer: a fresh UUIDv7 per action, claimed like a client's eventId.
                UsageEventRows.insert(c, sender, List.of(new UsageEventRows.Row(Ids.uuidV7(), null, type,
                        postId.toString(), "feed", null, null, Instant.now(), null, null)));
            }
            return inserted;
        });
        // likeCount and hidden posts show on the viewer's own next home read; other viewers' cached pages
        // catch up on likes within the cache TTL (bumping every audience per like would cost more than it buys).
        cache.bump(List.of(FeedCache.home(viewer.userId())));
    }

    private List<String> audiences(UUID author, Set<UUID> entities) throws SQLException {
        List<String> audiences = new ArrayList<>();
        audiences.add(FeedCache.profile(author));
        audiences.add(FeedCache.home(author));
        entities.forEach(e -> audiences.add(FeedCache.entity(e)));
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(AUDIENCE)) {
                s.setObject(1, author);
                s.setArray(2, c.createArrayOf("uuid", entities.toArray()));
                s.setInt(3, settings.fanOutMax());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        audiences.add(FeedCache.home(rs.getObject(1, UUID.class)));
                    }
                }
            }
            return null;
        });
        return audiences;
    }

    private List<UUID> missingEntities(Connection c, Set<UUID> wanted) throws SQLException {
        List<UUID> missing = new ArrayList<>(wanted);
        if (wanted.isEmpty()) {
            return missing;
        }
        try (PreparedStatement s = c.prepareStatement(EXISTING_ENTITIES)) {
            s.setArray(1, c.createArrayOf("uuid", wanted.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    missing.remove(rs.getObject(1, UUID.class));
                }
            }
        }
        return missing;
    }

    private void update(String sql, Object... params) throws SQLException {
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                FeedQueries.bind(s, params);
                return s.executeUpdate();
            }
        });
    }
}
