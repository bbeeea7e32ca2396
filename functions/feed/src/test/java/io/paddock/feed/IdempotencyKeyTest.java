package io.paddock.feed;

import static io.paddock.feed.FeedFixture.as;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The contract's Idempotency-Key on a real mutation (POST /v1/posts) through the Lambda path. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class IdempotencyKeyTest {

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Inject
    DynamoDbClient dynamo;

    @Test
    void theSameKeyAndBodyReplayTheFirstResponseByteForByteWithoutPostingTwice() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        String key = "post-" + UUID.randomUUID();
        String body = "{\"body\":\"only once\"}";
        Response first = as(author).header("Idempotency-Key", key).body(body).post("/v1/posts");
        first.then().statusCode(201);
        Response again = as(author).header("Idempotency-Key", key).body(body).post("/v1/posts");
        again.then().statusCode(201).header("Idempotent-Replayed", "true");
        assertArrayEquals(first.asByteArray(), again.asByteArray());
        assertEquals(1, f.count("SELECT count(*) FROM posts WHERE author_id = ?", author.id()));

        as(author).header("Idempotency-Key", key).body("{\"body\":\"something else\"}").post("/v1/posts")
                .then().statusCode(422).contentType("application/problem+json");
        // Another key is another request; the same key of another user is that user's own.
        as(author).header("Idempotency-Key", key + "-2").body(body).post("/v1/posts").then().statusCode(201);
        as(f.user()).header("Idempotency-Key", key).body(body).post("/v1/posts").then().statusCode(201);
        assertEquals(2, f.count("SELECT count(*) FROM posts WHERE author_id = ?", author.id()));
        // Without the header nothing changes.
        as(author).body(body).post("/v1/posts").then().statusCode(201);
        as(author).body(body).post("/v1/posts").then().statusCode(201);
        assertEquals(4, f.count("SELECT count(*) FROM posts WHERE author_id = ?", author.id()));
    }

    @Test
    void aRetryAfterAnAnswerThatWasNotKeptFindsThePostItsFirstAttemptMade() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        String key = "post-" + UUID.randomUUID();
        String body = "{\"body\":\"committed, answer lost\"}";
        String first = as(author).header("Idempotency-Key", key).body(body).post("/v1/posts")
                .then().statusCode(201).extract().path("post.id");
        // What a 5xx leaves behind: the post committed, but no kept answer (5xx answers are not kept).
        forgetEveryKeptAnswer();
        String retried = as(author).header("Idempotency-Key", key).body(body).post("/v1/posts")
                .then().statusCode(201).extract().path("post.id");
        assertEquals(first, retried, "the retry answers with the post the first attempt made");
        assertEquals(1, f.count("SELECT count(*) FROM posts WHERE author_id = ?", author.id()));

        forgetEveryKeptAnswer();
        as(author).header("Idempotency-Key", key).body("{\"body\":\"something else\"}").post("/v1/posts")
                .then().statusCode(422).contentType("application/problem+json");
        assertEquals(1, f.count("SELECT count(*) FROM posts WHERE author_id = ?", author.id()));
    }

    @Test
    void aRetriedEntityAfterAnAnswerThatWasNotKeptIsTheEntityItsFirstAttemptMade() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser creator = f.user();
        String key = "entity-" + UUID.randomUUID();
        String name = "Team " + UUID.randomUUID();
        String body = "{\"kind\":\"team\",\"name\":\"" + name + "\"}";
        String first = as(creator).header("Idempotency-Key", key).body(body).post("/v1/entities")
                .then().statusCode(201).extract().path("entity.id");
        forgetEveryKeptAnswer();
        String retried = as(creator).header("Idempotency-Key", key).body(body).post("/v1/entities")
                .then().statusCode(201).extract().path("entity.id");
        assertEquals(first, retried, "the retry answers with the entity the first attempt made");
        assertEquals(1, f.count("SELECT count(*) FROM entities WHERE created_by = ?", creator.id()));
        forgetEveryKeptAnswer();
        as(creator).header("Idempotency-Key", key).body("{\"kind\":\"team\",\"name\":\"another\"}").post("/v1/entities")
                .then().statusCode(422).contentType("application/problem+json");
    }

    private void forgetEveryKeptAnswer() {
        String table = ConfigProvider.getConfig().getValue("paddock.dynamodb.idempotency-table", String.class);
        for (var item : dynamo.scan(r -> r.tableName(table)).items()) {
            dynamo.deleteItem(r -> r.tableName(table).key(java.util.Map.of("pk", item.get("pk"))));
        }
    }

    @Test
    void withDynamoDbDownAKeyedMutationIs503AndAnUnkeyedOneStillWorks() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        stores.stopDynamo();
        try {
            Response refused = as(author).header("Idempotency-Key", "k-" + UUID.randomUUID()).body("{\"body\":\"keyed\"}")
                    .post("/v1/posts");
            refused.then().statusCode(503).contentType("application/problem+json");
            assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
            assertEquals(0, f.count("SELECT count(*) FROM posts WHERE author_id = ?", author.id()), "fail closed: no work done");
            as(author).body("{\"body\":\"unkeyed\"}").post("/v1/posts").then().statusCode(201);
        } finally {
            stores.startDynamo();
        }
        // Back after the breaker's open period (2 s, longer if a probe fails while DynamoDB Local warms up): the
        // client's retry of one key succeeds, once.
        String retried = "k-" + UUID.randomUUID();
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() ->
                as(author).header("Idempotency-Key", retried).body("{\"body\":\"keyed after\"}").post("/v1/posts")
                        .statusCode() == 201);
        assertEquals(1, f.count("SELECT count(*) FROM posts WHERE author_id = ? AND body = 'keyed after'", author.id()));
    }

    @Test
    void aBadKeyIs400AndA4xxAnswerIsReplayedLikeAnyOther() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        as(author).header("Idempotency-Key", "x".repeat(256)).body("{\"body\":\"hi\"}").post("/v1/posts")
                .then().statusCode(400).contentType("application/problem+json");
        String key = "del-" + UUID.randomUUID();
        // A 4xx answer is the answer: replayed too.
        String path = "/v1/posts/" + UUID.randomUUID();
        Response missing = as(author).header("Idempotency-Key", key).delete(path);
        missing.then().statusCode(404);
        Response replayed = as(author).header("Idempotency-Key", key).delete(path);
        replayed.then().statusCode(404).header("Idempotent-Replayed", "true");
        assertArrayEquals(missing.asByteArray(), replayed.asByteArray());
    }

    /** Issue 13, finding 11: the key is scoped by route template, so a second spelling of the path replays. */
    @Test
    void aRetryThatAddsATrailingSlashReplaysTheFirstAnswerInsteadOfPostingAgain() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        String key = "slash-" + UUID.randomUUID();
        String body = "{\"body\":\"posted once, whatever the slash\"}";
        Response first = as(author).header("Idempotency-Key", key).body(body).post("/v1/posts");
        first.then().statusCode(201);
        Response retried = as(author).header("Idempotency-Key", key).body(body).post("/v1/posts/");
        retried.then().statusCode(201).header("Idempotent-Replayed", "true");
        assertArrayEquals(first.asByteArray(), retried.asByteArray());
        assertEquals(1, f.count("SELECT count(*) FROM posts WHERE author_id = ?", author.id()));
    }

    @Test
    void theSameKeyOnTheSameRouteForAnotherPostIsAnotherRequestAndRefused() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser actor = f.user();
        UUID liked = f.post(f.user(), java.time.Instant.now());
        UUID other = f.post(f.user(), java.time.Instant.now());
        String key = "act-" + UUID.randomUUID();
        as(actor).header("Idempotency-Key", key).body("{\"type\":\"like\"}").post("/v1/posts/" + liked + "/actions")
                .then().statusCode(204);
        // The path's values are part of the request: one template, but not the same request.
        as(actor).header("Idempotency-Key", key).body("{\"type\":\"like\"}").post("/v1/posts/" + other + "/actions")
                .then().statusCode(422).contentType("application/problem+json");
        assertEquals(0, f.count("SELECT count(*) FROM post_actions WHERE post_id = ?", other));
    }
}
