package io.paddock.auth;

import static io.paddock.auth.AuthApi.PROBLEM;
import static io.paddock.auth.AuthApi.json;
import static io.paddock.auth.AuthApi.login;
import static io.paddock.auth.AuthApi.me;
import static io.paddock.auth.AuthApi.newIp;
import static io.paddock.auth.AuthApi.post;
import static io.paddock.auth.AuthApi.refresh;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.redis.FeedAudiences;
import io.paddock.shared.testing.TestUsers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Account deletion (DELETE /v1/auth/me, DELETE /v1/admin/users/{userId}) and the auth_time claim it rests on, through
 * the Lambda adapter on the real embedded stores: what it needs (a recent sign-in), what it takes away (every token,
 * the user's rows, the cached feeds), what it keeps (the reservation of e-mail and handle, entities others use), and
 * that a repeat is a 204.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class AccountDeletionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Database database;

    @Inject
    DirectSql store;

    @Inject
    AccessTokens tokens;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    AccountDeletion deletion;

    // --- auth_time ---

    @Test
    void aTokenMintedByRefreshCarriesTheSignInTimeNotTheTimeOfTheRefresh() throws Exception {
        AuthApi.Account account = AuthApi.register();
        long signedIn = claims(account.accessToken()).path("auth_time").asLong();
        assertTrue(signedIn > 0, "registration's token carries auth_time");
        assertTrue(Math.abs(claims(account.accessToken()).path("iat").asLong() - signedIn) <= 1, "the sign-in is the token's own");

        Thread.sleep(1100);
        Response refreshed = refresh(newIp(), account.refreshToken());
        refreshed.then().statusCode(200);
        JsonNode after = claims(refreshed.path("accessToken"));
        assertEquals(signedIn, after.path("auth_time").asLong());
        assertTrue(after.path("iat").asLong() > signedIn, "the refresh minted a newer token with the old auth_time");

        Response loggedIn = login(newIp(), account.email(), account.password());
        assertTrue(claims(loggedIn.path("accessToken")).path("auth_time").asLong() > signedIn, "a login is a new sign-in");
    }

    @Test
    void aTokenWhoseSignInIsOlderThanFiveMinutesIsAskedToSignInAgain() {
        AuthApi.Account account = AuthApi.register();
        UUID id = UUID.fromString(account.id());
        String old = tokens.issue(id, "user", null, Instant.now().minus(Duration.ofMinutes(6))).token();
        Response refused = deleteMe(old);
        refused.then().statusCode(401).contentType(PROBLEM);
        // One challenge; the Lambda adapter hands its comma-separated parameters on as separate header lines.
        String challenge = String.join(", ", refused.headers().getValues("WWW-Authenticate"));
        assertEquals("Bearer error=\"insufficient_user_authentication\", error_description=\"A more recent sign-in is required\", "
                + "max_age=300", challenge);
        // A token without auth_time (minted before the claim existed) is not a recent sign-in either.
        Response unknown = deleteMe(tokens.issue(id, "user").token());
        unknown.then().statusCode(401);
        assertTrue(String.join(", ", unknown.headers().getValues("WWW-Authenticate")).contains("insufficient_user_authentication"));
        me(account.accessToken()).then().statusCode(200);
    }

    @Test
    void anAnonymousOrInvalidTokenIsAnInvalidTokenNotAStepUp() {
        given().header("X-Forwarded-For", newIp()).when().delete("/v1/auth/me").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        deleteMe("not-a-token").then().statusCode(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    // --- DELETE /v1/auth/me ---

    @Test
    void afterDeletionEveryTokenOfEveryFamilyIsRefusedAndTheAccountCannotSignIn() {
        AuthApi.Account account = AuthApi.register();
        Response secondDevice = login(newIp(), account.email(), account.password());
        secondDevice.then().statusCode(200);
        Response refreshed = refresh(newIp(), secondDevice.path("refreshToken"));
        refreshed.then().statusCode(200);

        deleteMe(account.accessToken()).then().statusCode(204).header("Cache-Control", "no-store");

        me(account.accessToken()).then().statusCode(401);
        me(secondDevice.path("accessToken")).then().statusCode(401);
        me(refreshed.path("accessToken")).then().statusCode(401);
        refresh(newIp(), account.refreshToken()).then().statusCode(401);
        refresh(newIp(), refreshed.path("refreshToken")).then().statusCode(401);
        login(newIp(), account.email(), account.password()).then().statusCode(401).contentType(PROBLEM);
        // Repeated without the first answer's key: the token is refused.
        deleteMe(account.accessToken()).then().statusCode(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    @Test
    void aRepeatWithTheSameIdempotencyKeyIsThe204AgainThoughItsTokenIsNowRefused() {
        AuthApi.Account account = AuthApi.register();
        String key = "delete-" + UUID.randomUUID();
        deleteMe(account.accessToken(), key).then().statusCode(204);
        deleteMe(account.accessToken(), key).then().statusCode(204).header("Idempotent-Replayed", "true");
        // Another key is another request, and this token may make none.
        deleteMe(account.accessToken(), "other-" + UUID.randomUUID()).then().statusCode(401);
        me(account.accessToken()).then().statusCode(401);
    }

    @Test
    void aKeptAnswerIsReplayedOnlyToItsOwnAccount() {
        AuthApi.Account first = AuthApi.register();
        AuthApi.Account second = AuthApi.register();
        String key = "delete-" + UUID.randomUUID();
        deleteMe(first.accessToken(), key).then().statusCode(204);
        deleteMe(second.accessToken()).then().statusCode(204);
        // The second account's revoked token with the first's key finds no answer kept for it.
        deleteMe(second.accessToken(), key).then().statusCode(401);
    }

    @Test
    void theUsersRowsAreRemovedTheirEntitiesStayWithoutACreatorAndTheHandleStaysReserved() throws Exception {
        AuthApi.Account leaving = AuthApi.register();
        AuthApi.Account staying = AuthApi.register();
        UUID id = UUID.fromString(leaving.id());
        UUID other = UUID.fromString(staying.id());
        UUID entity = UUID.randomUUID();
        UUID post = UUID.randomUUID();
        UUID othersPost = UUID.randomUUID();
        store.update("INSERT INTO entities (id, kind, name, created_by) VALUES (?, 'team', 'Leavers', ?)", entity, id);
        store.update("INSERT INTO posts (id, author_id, body) VALUES (?, ?, 'mine')", post, id);
        store.update("INSERT INTO post_targets (post_id, entity_id) VALUES (?, ?)", post, entity);
        store.update("INSERT INTO posts (id, author_id, body) VALUES (?, ?, 'theirs')", othersPost, other);
        store.update("INSERT INTO post_targets (post_id, entity_id) VALUES (?, ?)", othersPost, entity);
        store.update("INSERT INTO post_actions (user_id, post_id, type) VALUES (?, ?, 'like'), (?, ?, 'hide')", id, othersPost, id, othersPost);
        store.update("INSERT INTO post_actions (user_id, post_id, type) VALUES (?, ?, 'like')", other, post);
        store.update("INSERT INTO user_follows (follower_id, followee_id) VALUES (?, ?), (?, ?)", id, other, other, id);
        store.update("INSERT INTO entity_follows (user_id, entity_id) VALUES (?, ?)", id, entity);
        store.update("INSERT INTO user_blocks (blocker_id, blocked_id) VALUES (?, ?), (?, ?)", id, other, other, id);
        store.update("INSERT INTO user_identities (provider, subject, user_id) VALUES ('google', ?, ?)", "leaving-" + id, id);
        UUID event = UUID.randomUUID();
        store.updateAsAdmin("INSERT INTO usage_events (event_id, user_id, type, item_id, occurred_at) VALUES (?, ?, 'click', 'post:x', now())",
                event, id);
        store.updateAsAdmin("INSERT INTO usage_event_ids (actor, event_id) VALUES (?::text, ?)", id, event);

        deleteMe(leaving.accessToken()).then().statusCode(204);

        assertEquals(0, store.count("SELECT count(*) FROM posts WHERE author_id = ?", id));
        assertEquals(0, store.count("SELECT count(*) FROM post_targets WHERE post_id = ?", post));
        assertEquals(0, store.count("SELECT count(*) FROM post_actions WHERE user_id = ? OR post_id = ?", id, post));
        assertEquals(0, store.count("SELECT count(*) FROM user_follows WHERE follower_id = ? OR followee_id = ?", id, id));
        assertEquals(0, store.count("SELECT count(*) FROM entity_follows WHERE user_id = ?", id));
        assertEquals(0, store.count("SELECT count(*) FROM user_blocks WHERE blocker_id = ? OR blocked_id = ?", id, id));
        assertEquals(0, store.count("SELECT count(*) FROM user_identities WHERE user_id = ?", id));
        assertEquals(0, store.countAsAdmin("SELECT count(*) FROM usage_events WHERE user_id = ?", id));
        assertEquals(0, store.countAsAdmin("SELECT count(*) FROM usage_event_ids WHERE actor = ?::text", id));
        // The entity stays for the others' post that targets it, no longer naming its creator.
        assertEquals(1, store.count("SELECT count(*) FROM entities WHERE id = ? AND created_by IS NULL", entity));
        assertEquals(1, store.count("SELECT count(*) FROM post_targets WHERE post_id = ?", othersPost));
        // The row stays as a reservation: no display name, no usable hash, released after the grace (30 days).
        assertEquals(1, store.count("SELECT count(*) FROM users WHERE id = ? AND deleted_at IS NOT NULL AND display_name IS NULL "
                + "AND password_hash = '!deleted' AND released_at BETWEEN deleted_at + interval '29 days 23 hours' "
                + "AND deleted_at + interval '30 days 1 hour'", id));
        post(newIp(), "/v1/auth/register", json("email", AuthApi.newHandle() + "@example.com", "password", AuthApi.STRONG_PASSWORD,
                "handle", leaving.handle())).then().statusCode(409).body("errors[0].field", org.hamcrest.Matchers.equalTo("handle"));
        post(newIp(), "/v1/auth/register", json("email", leaving.email(), "password", AuthApi.STRONG_PASSWORD,
                "handle", AuthApi.newHandle())).then().statusCode(409).body("errors[0].field", org.hamcrest.Matchers.equalTo("email"));
        me(staying.accessToken()).then().statusCode(200);
    }

    @Test
    void theCachedFeedsThatShowedTheUsersPostsMoveOn() throws Exception {
        AuthApi.Account leaving = AuthApi.register();
        AuthApi.Account follower = AuthApi.register();
        UUID id = UUID.fromString(leaving.id());
        UUID entity = UUID.randomUUID();
        UUID post = UUID.randomUUID();
        store.update("INSERT INTO entities (id, kind, name) VALUES (?, 'team', 'Cached')", entity);
        store.update("INSERT INTO posts (id, author_id, body) VALUES (?, ?, 'cached')", post, id);
        store.update("INSERT INTO post_targets (post_id, entity_id) VALUES (?, ?)", post, entity);
        store.update("INSERT INTO user_follows (follower_id, followee_id) VALUES (?, ?)", UUID.fromString(follower.id()), id);
        List<String> audiences = List.of(FeedAudiences.profile(id), FeedAudiences.entity(entity),
                FeedAudiences.home(UUID.fromString(follower.id())), FeedAudiences.home(id));
        for (String audience : audiences) {
            redis.execute("HSET", audience, "v", "7", "p:7:20", "0|{\"items\":[\"" + post + "\"]}").await().indefinitely();
        }

        deleteMe(leaving.accessToken()).then().statusCode(204);

        for (String audience : audiences) {
            assertEquals("8", String.valueOf(redis.execute("HGET", audience, "v").await().indefinitely()), audience);
            assertNull(redis.execute("HGET", audience, "p:7:20").await().indefinitely(), audience + " still holds the page");
        }
    }

    @Test
    void aDeletionCutShortAfterItsTransactionIsFinishedByCallingAgainWithTheSameToken() throws Exception {
        AuthApi.Account account = AuthApi.register();
        UUID id = UUID.fromString(account.id());
        // As if the first call committed its transaction and then failed on DynamoDB or Redis (a 503).
        store.update("UPDATE users SET deleted_at = now() - interval '1 minute', released_at = now() + interval '1 day' WHERE id = ?", id);
        me(account.accessToken()).then().statusCode(401); // the account is gone for every read already

        deleteMe(account.accessToken()).then().statusCode(204);

        refresh(newIp(), account.refreshToken()).then().statusCode(401);
        deleteMe(account.accessToken()).then().statusCode(401);
        // The first call's times stay: a repeat does not push the release further away.
        assertEquals(1, store.count("SELECT count(*) FROM users WHERE id = ? AND released_at < now() + interval '2 days'", id));
    }

    @Test
    void deletingTwiceDirectlyIsHarmlessAndLeavesOneAuditRowNamingTheActor() throws Exception {
        AuthApi.Account account = AuthApi.register();
        UUID id = UUID.fromString(account.id());
        UUID actor = UUID.randomUUID();
        assertTrue(deletion.delete(id, actor, java.util.Optional.empty()));
        assertTrue(deletion.delete(id, actor, java.util.Optional.empty()), "the reserved row is still there");
        assertTrue(!deletion.delete(UUID.randomUUID(), actor, java.util.Optional.empty()), "no row: nothing to delete");
        assertEquals(1, store.count("SELECT count(*) FROM audit_events WHERE action = 'account.deleted' AND target_id = ?", id.toString()));
        assertEquals(1, store.count("SELECT count(*) FROM audit_events WHERE action = 'account.deleted' AND target_id = ? "
                + "AND actor_id = ?::uuid AND details->>'by' = 'admin'", id.toString(), actor.toString()));
    }

    @Test
    void anAccountDeletedByItsOwnerLeavesOneAuditRowWithTheOwnerAsActor() throws Exception {
        AuthApi.Account account = AuthApi.register();
        deleteMe(account.accessToken()).then().statusCode(204);
        assertEquals(1, store.count("SELECT count(*) FROM audit_events WHERE action = 'account.deleted' AND target_id = ? "
                + "AND actor_id = ?::uuid AND details->>'by' = 'owner' AND request_id IS NOT NULL", account.id(), account.id()));
    }

    // --- DELETE /v1/admin/users/{userId} ---

    @Test
    void anAdminDeletesAnotherAccountWithTheSameEffects() {
        TestUsers.TestUser admin = new TestUsers(database.dataSource(), tokens).admin();
        AuthApi.Account account = AuthApi.register();

        deleteUser(admin.token(), account.id()).then().statusCode(204).header("Cache-Control", "no-store");

        me(account.accessToken()).then().statusCode(401);
        refresh(newIp(), account.refreshToken()).then().statusCode(401);
        login(newIp(), account.email(), account.password()).then().statusCode(401);
        // Repeated, and an id no account has: 204 too (as DELETE /v1/auth/me, whose repeat is a 204).
        deleteUser(admin.token(), account.id()).then().statusCode(204);
        deleteUser(admin.token(), UUID.randomUUID().toString()).then().statusCode(204);
    }

    @Test
    void theAdminRouteRefusesAMalformedIdAUserAndTheAdminsOwnAccount() {
        TestUsers users = new TestUsers(database.dataSource(), tokens);
        TestUsers.TestUser admin = users.admin();
        TestUsers.TestUser user = users.user();
        deleteUser(admin.token(), "not-a-uuid").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("userId"));
        deleteUser(user.token(), admin.id().toString()).then().statusCode(403).contentType(PROBLEM);
        deleteUser(admin.token(), admin.id().toString()).then().statusCode(403).contentType(PROBLEM)
                .body("detail", containsString("DELETE /v1/auth/me"));
        given().header("Authorization", admin.bearer()).header("X-Forwarded-For", newIp()).when().get("/v1/auth/me")
                .then().statusCode(200);
    }

    // --- helpers ---

    private static Response deleteMe(String token) {
        return bearer(token).when().delete("/v1/auth/me");
    }

    private static Response deleteMe(String token, String idempotencyKey) {
        return bearer(token).header("Idempotency-Key", idempotencyKey).when().delete("/v1/auth/me");
    }

    private static Response deleteUser(String token, String userId) {
        return bearer(token).when().delete("/v1/admin/users/" + userId);
    }

    private static RequestSpecification bearer(String token) {
        return given().header("X-Forwarded-For", newIp()).header("Authorization", "Bearer " + token);
    }

    static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}
