package io.paddock.feed;

import static io.paddock.feed.FeedFixture.as;
import static io.paddock.feed.FeedFixture.client;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, finding 4: text PostgreSQL cannot store (NUL, unpaired surrogates) in a post or an entity, and
 * cursors naming instants outside the years 2000–2100, were taken for an outage (503). They are 400 at
 * validation, before any store is asked.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class UnstorableInputTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Test
    void nulAndUnpairedSurrogatesInAPostBodyAre400NamingTheBody() {
        TestUser author = new FeedFixture(database, tokens).user();
        for (String bad : new String[] {"hi\\u0000there", "lone \\ud800 high", "lone \\udc00 low", "ends high \\ud83d"}) {
            as(author).body("{\"body\":\"" + bad + "\"}").post("/v1/posts")
                    .then().statusCode(400).contentType(PROBLEM)
                    .body("errors.field", contains("body"))
                    .body("errors[0].message", startsWith("must not contain"));
        }
        // The guard against refusing too much: a surrogate pair is one character (an emoji) and is stored.
        as(author).body("{\"body\":\"rocket \\ud83d\\ude80\"}").post("/v1/posts")
                .then().statusCode(201).body("post.body", equalTo("rocket \uD83D\uDE80"));
    }

    @Test
    void nulAndUnpairedSurrogatesInAnEntityAre400NamingTheField() {
        TestUser creator = new FeedFixture(database, tokens).user();
        as(creator).body("{\"kind\":\"topic\\u0000\",\"name\":\"Chess\"}").post("/v1/entities")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains("kind"));
        as(creator).body("{\"kind\":\"topic\",\"name\":\"Chess \\udfff\"}").post("/v1/entities")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains("name"));
        as(creator).body("{\"kind\":\"topic\",\"name\":\"Chess \\ud83d\\ude80\"}").post("/v1/entities")
                .then().statusCode(201);
    }

    @Test
    void cursorsOutsideTheSaneYearsAre400() {
        TestUser viewer = new FeedFixture(database, tokens).user();
        String id = UUID.randomUUID().toString();
        // 10^18 µs is the year 33658: PostgreSQL once refused it (503). 1 µs is 1970, before any post.
        for (String micros : new String[] {"999999999999999999", "1", "4133980800000000"}) {
            String cursor = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("f1." + micros + "." + id).getBytes(StandardCharsets.US_ASCII));
            as(viewer).queryParam("cursor", cursor).get("/v1/feed/home").then().statusCode(400).contentType(PROBLEM)
                    .body("errors.field", contains("cursor"));
            client().queryParam("cursor", cursor).get("/v1/feed/users/" + viewer.handle())
                    .then().statusCode(400).contentType(PROBLEM);
            client().queryParam("cursor", cursor).get("/v1/feed/entities/" + UUID.randomUUID())
                    .then().statusCode(400).contentType(PROBLEM);
        }
    }
}
