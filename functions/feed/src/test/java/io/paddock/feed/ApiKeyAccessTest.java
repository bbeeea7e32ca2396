package io.paddock.feed;

import static io.paddock.feed.FeedFixture.client;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.auth.ApiKeyScope;
import io.paddock.shared.auth.IssuedApiKeys;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestApiKeys;
import io.paddock.shared.testing.TestApiKeys.TestApiKey;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An API key on the feed function's real routes (the key written as auth's route writes it): a read key reads the
 * public feeds and is refused every mutation and every route that needs a user; a revoked key is refused by this
 * function at once, though it was revoked elsewhere; each key is limited in its own window under its own tier.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ApiKeyAccessTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Inject
    IssuedApiKeys issued;

    private TestApiKeys keys() {
        return new TestApiKeys(database.dataSource(), issued);
    }

    private static RequestSpecification with(TestApiKey key) {
        return client().header("Authorization", key.authorization());
    }

    @Test
    void aReadKeyReadsPublicFeedsButMayNotPostFollowOrReadAHomeFeed() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        f.post(author, Instant.now());
        TestApiKey key = keys().withScopes(ApiKeyScope.READ);

        with(key).when().get("/v1/feed/users/" + author.handle()).then().statusCode(200);
        with(key).body("{\"body\":\"from an integration\"}").when().post("/v1/posts").then().statusCode(403)
                .contentType(PROBLEM).body("type", endsWith("/problems/insufficient-scope"));
        with(key).when().put("/v1/follows/users/" + author.handle()).then().statusCode(403).contentType(PROBLEM);
        with(key).body("{\"kind\":\"team\",\"name\":\"Integrations\"}").when().post("/v1/entities").then().statusCode(403);
        with(key).when().get("/v1/feed/home").then().statusCode(403)
                .body("type", endsWith("/problems/insufficient-scope"));
    }

    @Test
    void aKeyWithoutTheReadScopeReadsNothing() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        TestApiKey telemetryOnly = keys().withScopes(ApiKeyScope.TELEMETRY_WRITE);
        with(telemetryOnly).when().get("/v1/feed/users/" + author.handle()).then().statusCode(403);
    }

    @Test
    void aKeyRevokedByAnotherFunctionIsRefusedHereFromThatMomentOn() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        TestApiKey key = keys().withScopes(ApiKeyScope.READ);
        with(key).when().get("/v1/feed/users/" + author.handle()).then().statusCode(200);
        keys().revoke(key);
        with(key).when().get("/v1/feed/users/" + author.handle()).then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", "ApiKey error=\"invalid_key\"");
    }

    @Test
    void eachKeyIsCountedInItsOwnWindowWhateverAddressItComesFrom() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        TestApiKey key = keys().withScopes(ApiKeyScope.READ);
        // A refused mutation is personal (no-store), so it carries the caller's own standing.
        Response first = with(key).body("{\"body\":\"x\"}").when().post("/v1/posts");
        Response second = with(key).body("{\"body\":\"x\"}").when().post("/v1/posts");
        Response other = with(keys().withScopes(ApiKeyScope.READ)).body("{\"body\":\"x\"}").when().post("/v1/posts");
        int remaining = Integer.parseInt(first.header("X-RateLimit-Remaining"));
        assertEquals(remaining - 1, Integer.parseInt(second.header("X-RateLimit-Remaining")),
                "two addresses, one key: one window");
        assertEquals(remaining, Integer.parseInt(other.header("X-RateLimit-Remaining")), "another key: its own window");
        with(key).when().get("/v1/feed/entities/" + UUID.randomUUID()).then().header("RateLimit-Policy", endsWith(";w=60"));
    }
}
