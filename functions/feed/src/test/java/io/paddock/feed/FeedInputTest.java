package io.paddock.feed;

import static io.paddock.feed.FeedFixture.as;
import static io.paddock.feed.FeedFixture.client;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bad input is a precise 4xx problem; follows, entities and actions do what the contract says. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class FeedInputTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Test
    void badPageParametersAndCursorsAre400NamingTheParameter() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser viewer = f.user();
        for (String limit : new String[] {"0", "101", "abc", "-1", "2.5"}) {
            as(viewer).queryParam("limit", limit).get("/v1/feed/home").then().statusCode(400).contentType(PROBLEM)
                    .body("errors.field", contains("limit"));
        }
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("f1.12345.not-a-uuid".getBytes(StandardCharsets.US_ASCII));
        for (String cursor : new String[] {"garbage", forged, "f1.1.00000000-0000-0000-0000-000000000000", "%%%"}) {
            as(viewer).queryParam("cursor", cursor).get("/v1/feed/home").then().statusCode(400).contentType(PROBLEM)
                    .body("errors.field", contains("cursor"));
            client().queryParam("cursor", cursor).get("/v1/feed/users/" + viewer.handle()).then().statusCode(400);
        }
        client().get("/v1/feed/home").then().statusCode(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    @Test
    void unknownHandlesAndEntitiesAre404AndMalformedIds400() {
        client().get("/v1/feed/users/nobody_here_at_all").then().statusCode(404).contentType(PROBLEM);
        client().get("/v1/feed/users/NOT-A-HANDLE").then().statusCode(404).contentType(PROBLEM);
        client().get("/v1/feed/entities/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
        client().get("/v1/feed/entities/not-a-uuid").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", contains("entityId"));
    }

    @Test
    void badPostBodiesAreProblemsNamingTheField() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        as(author).body("{\"body\":\"" + "x".repeat(20_000) + "\"}").post("/v1/posts")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains("body"));
        as(author).body("{\"body\":\"   \"}").post("/v1/posts").then().statusCode(400).body("errors.field", contains("body"));
        as(author).body("{}").post("/v1/posts").then().statusCode(400).body("errors.field", contains("body"));
        as(author).body("").post("/v1/posts").then().statusCode(400).contentType(PROBLEM);
        as(author).body("{\"body\":\"hi\",\"targetEntityIds\":[\"nope\"]}").post("/v1/posts")
                .then().statusCode(400).contentType(PROBLEM);
        as(author).body("{\"body\":\"hi\",\"targetEntityIds\":[\"" + UUID.randomUUID() + "\"]}").post("/v1/posts")
                .then().statusCode(400).body("errors.field", contains("targetEntityIds"));
        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append('"').append(f.entity()).append('"');
        }
        as(author).body("{\"body\":\"hi\",\"targetEntityIds\":[" + eleven + "]}").post("/v1/posts")
                .then().statusCode(400).body("errors.field", contains("targetEntityIds"));
        as(author).body("{\"body\":\"" + "y".repeat(300_000) + "\"}").post("/v1/posts").then().statusCode(413)
                .contentType(PROBLEM);
        client().body("{\"body\":\"hi\"}").post("/v1/posts").then().statusCode(401);
        as(author).body("{\"kind\":\"\",\"name\":\"" + "n".repeat(201) + "\"}").post("/v1/entities").then().statusCode(400)
                .body("errors.field", hasItem("kind")).body("errors.field", hasItem("name"));
    }

    /** Issue 16: numbers were read as their text, so {"body":42} published the post "42". */
    @Test
    void aNumberOrBooleanWhereTextIsExpectedIs400NamingTheFieldAndCreatesNothing() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        as(author).body("{\"body\":42}").post("/v1/posts").then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("https://paddock.dev/problems/validation-failed"))
                .body("errors.field", contains("body"))
                .body("errors.message", contains("has the wrong type"));
        as(author).body("{\"body\":true}").post("/v1/posts").then().statusCode(400).body("errors.field", contains("body"));
        as(author).body("{\"kind\":1,\"name\":2}").post("/v1/entities").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("kind"))
                .body("errors.message", hasItem("has the wrong type"));
        as(author).body("{\"kind\":\"team\",\"name\":2.5}").post("/v1/entities").then().statusCode(400)
                .body("errors.field", contains("name"));
        UUID post = f.post(author, Instant.now());
        as(author).body("{\"type\":1}").post("/v1/posts/" + post + "/actions").then().statusCode(400)
                .body("errors.field", contains("type"));
        assertEquals(1, f.count("SELECT count(*) FROM posts WHERE author_id = ?", author.id()), "only the fixture's post");
    }

    @Test
    void onlyTheAuthorOrAnAdminDeletesAPost() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        UUID post = f.post(author, Instant.now().minusSeconds(5));
        as(f.user()).delete("/v1/posts/" + post).then().statusCode(403).contentType(PROBLEM);
        as(f.user()).delete("/v1/posts/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
        as(author).delete("/v1/posts/not-a-uuid").then().statusCode(400).body("errors.field", contains("postId"));
        as(f.user("admin")).delete("/v1/posts/" + post).then().statusCode(204);
        as(author).delete("/v1/posts/" + post).then().statusCode(404);
    }

    @Test
    void followsAreIdempotentAndChangeTheHomeFeedAtOnce() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser viewer = f.user();
        TestUser author = f.user();
        UUID post = f.post(author, Instant.now().minusSeconds(5));
        as(viewer).get("/v1/feed/home").then().statusCode(200).body("items.id", not(hasItem(post.toString())));
        as(viewer).put("/v1/follows/users/" + author.handle()).then().statusCode(204).header("Cache-Control", "no-store");
        as(viewer).put("/v1/follows/users/" + author.handle()).then().statusCode(204);
        as(viewer).get("/v1/feed/home").then().statusCode(200).body("items[0].id", equalTo(post.toString()));
        as(viewer).delete("/v1/follows/users/" + author.handle()).then().statusCode(204);
        as(viewer).delete("/v1/follows/users/" + author.handle()).then().statusCode(204);
        as(viewer).get("/v1/feed/home").then().statusCode(200).body("items.id", not(hasItem(post.toString())));
        as(viewer).put("/v1/follows/users/" + viewer.handle()).then().statusCode(400).body("errors.field", contains("handle"));
        as(viewer).put("/v1/follows/users/nobody_here_at_all").then().statusCode(404);

        String entity = as(viewer).body("{\"kind\":\"topic\",\"name\":\"Trail running\"}").post("/v1/entities")
                .then().statusCode(201).body("entity.kind", equalTo("topic")).body("entity.name", equalTo("Trail running"))
                .extract().path("entity.id");
        UUID targeted = f.post(author, Instant.now().minusSeconds(1), UUID.fromString(entity));
        as(viewer).put("/v1/follows/entities/" + entity).then().statusCode(204);
        as(viewer).get("/v1/feed/home").then().statusCode(200).body("items[0].id", equalTo(targeted.toString()));
        as(viewer).put("/v1/follows/entities/" + UUID.randomUUID()).then().statusCode(404);
        as(viewer).delete("/v1/follows/entities/" + entity).then().statusCode(204);
    }

    @Test
    void anActionsUsageEventIsClaimedOncePerSenderAndEventIdLikeAClientsEvent() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser viewer = f.user();
        TestUser author = f.user();
        UUID post = f.post(author, Instant.now().minusSeconds(5));
        as(viewer).body("{\"type\":\"save\"}").post("/v1/posts/" + post + "/actions").then().statusCode(204);
        // Written by telemetry's own writer: the stored event's id is claimed for its sender in usage_event_ids.
        assertEquals(1, f.count("SELECT count(*) FROM usage_events e JOIN usage_event_ids i "
                + "ON i.event_id = e.event_id AND i.actor = e.user_id::text "
                + "WHERE e.user_id = ? AND e.item_id = ? AND e.type = 'save' AND e.surface = 'feed'",
                viewer.id(), post.toString()));
    }

    @Test
    void actionsAreRecordedOnceCountedAsLikesAndHideLeavesTheHomeFeedAtOnce() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser viewer = f.user();
        TestUser author = f.user();
        f.follow(viewer, author);
        UUID post = f.post(author, Instant.now().minusSeconds(5));
        as(viewer).get("/v1/feed/home").then().body("items[0].likeCount", equalTo(0));
        as(viewer).body("{\"type\":\"like\"}").post("/v1/posts/" + post + "/actions").then().statusCode(204);
        as(viewer).body("{\"type\":\"like\"}").post("/v1/posts/" + post + "/actions").then().statusCode(204);
        as(viewer).get("/v1/feed/home").then().body("items[0].likeCount", equalTo(1));
        assertEquals(1, f.count("SELECT count(*) FROM post_actions WHERE user_id = ? AND post_id = ?", viewer.id(), post));
        assertEquals(1, f.count("SELECT count(*) FROM usage_events WHERE user_id = ? AND item_id = ? AND type = 'like'",
                viewer.id(), post.toString()), "one usage event for the first like, none for the repeat");

        as(viewer).body("{\"type\":\"hide\"}").post("/v1/posts/" + post + "/actions").then().statusCode(204);
        as(viewer).get("/v1/feed/home").then().body("items.id", not(hasItem(post.toString())));

        as(viewer).body("{\"type\":\"boost\"}").post("/v1/posts/" + post + "/actions").then().statusCode(400)
                .body("errors.field", contains("type"));
        as(viewer).body("{\"type\":\"like\"}").post("/v1/posts/" + UUID.randomUUID() + "/actions").then().statusCode(404);
        client().body("{\"type\":\"like\"}").post("/v1/posts/" + post + "/actions").then().statusCode(401);
    }

    /** Issue 13, finding 4: a key given twice was a 500 with an empty body; which value was meant is unknowable. */
    @Test
    void anActionThatGivesItsTypeTwiceIs400AndRecordsNothing() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser actor = f.user();
        UUID post = f.post(f.user(), Instant.now());
        as(actor).body("{\"type\":\"like\",\"type\":\"report\"}").post("/v1/posts/" + post + "/actions")
                .then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("https://paddock.dev/problems/malformed-json"));
        assertEquals(0, f.count("SELECT count(*) FROM post_actions WHERE post_id = ?", post));
        // The same body with the key once is recorded: the refusal is the duplicate, not the route.
        as(actor).body("{\"type\":\"like\"}").post("/v1/posts/" + post + "/actions").then().statusCode(204);
        assertEquals(1, f.count("SELECT count(*) FROM post_actions WHERE post_id = ?", post));
    }

    /** Issue 13, finding 7: a cross-site "simple" POST (no Content-Type, or text/plain) is refused before any work. */
    @Test
    void aPostBodyWithoutJsonContentTypeIs415AndPublishesNothing() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        byte[] body = "{\"body\":\"forged from another site\"}".getBytes(StandardCharsets.UTF_8);
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + author.token()).body(body)
                .post("/v1/posts").then().statusCode(415).contentType(PROBLEM);
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded"}) {
            io.restassured.RestAssured.given().header("Authorization", "Bearer " + author.token())
                    .contentType(type).body(new String(body, StandardCharsets.UTF_8)).post("/v1/posts").then().statusCode(415).contentType(PROBLEM);
        }
        assertEquals(0, f.count("SELECT count(*) FROM posts WHERE author_id = ?", author.id()));
    }
}
