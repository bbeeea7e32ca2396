package io.paddock.feed;

import static io.restassured.RestAssured.given;

import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Users, entities, follows and posts written straight into PostgreSQL (so a test controls times and
 * ids), and requests as one of those users. Every test makes its own, so tests do not see each other.
 */
final class FeedFixture {

    private static final AtomicInteger NEXT_IP = new AtomicInteger(1 + (int) (System.nanoTime() % 60_000));

    private final Database database;
    private final TestUsers users;

    FeedFixture(Database database, AccessTokens tokens) {
        this.database = database;
        this.users = new TestUsers(database.dataSource(), tokens);
    }

    TestUser user() {
        return users.user();
    }

    TestUser user(String role) {
        return users.withRole(role);
    }

    UUID entity() {
        UUID id = UUID.randomUUID();
        sql("INSERT INTO entities (id, kind, name) VALUES (?, 'topic', ?)", id, "Entity " + id);
        return id;
    }

    UUID post(TestUser author, Instant at, UUID... targets) {
        UUID id = UUID.randomUUID();
        sql("INSERT INTO posts (id, author_id, body, created_at) VALUES (?, ?, ?, ?)", id, author.id(), "post " + id,
                Timestamp.from(at));
        for (UUID target : targets) {
            sql("INSERT INTO post_targets (post_id, entity_id) VALUES (?, ?)", id, target);
        }
        return id;
    }

    void follow(TestUser follower, TestUser followee) {
        sql("INSERT INTO user_follows (follower_id, followee_id) VALUES (?, ?)", follower.id(), followee.id());
    }

    void follow(TestUser follower, UUID entity) {
        sql("INSERT INTO entity_follows (user_id, entity_id) VALUES (?, ?)", follower.id(), entity);
    }

    void block(TestUser blocker, TestUser blocked) {
        sql("INSERT INTO user_blocks (blocker_id, blocked_id) VALUES (?, ?)", blocker.id(), blocked.id());
    }

    void act(TestUser user, UUID post, String type) {
        sql("INSERT INTO post_actions (user_id, post_id, type) VALUES (?, ?, ?)", user.id(), post, type);
    }

    void deleted(UUID post) {
        sql("UPDATE posts SET deleted_at = now() WHERE id = ?", post);
    }

    long count(String query, Object... params) {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(query)) {
            FeedQueries.bind(s, params);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request from its own client address (X-Forwarded-For; the tests act as the trusted edge hop). */
    static RequestSpecification client() {
        int n = NEXT_IP.incrementAndGet();
        return given().header("X-Forwarded-For", "10.66." + ((n >> 8) & 0xff) + "." + (n & 0xff)).contentType(ContentType.JSON);
    }

    static RequestSpecification as(TestUser user) {
        return client().header("Authorization", "Bearer " + user.token());
    }

    private void sql(String sql, Object... params) {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            FeedQueries.bind(s, params);
            s.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
