package io.paddock.feed;

import static io.paddock.feed.FeedFixture.as;
import static io.paddock.feed.FeedFixture.client;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, finding 8 (contract v1.1, "Shared caches"): a response a CDN may store carries no per-caller
 * rate-limit value, only {@code RateLimit-Policy}; personal responses keep the caller's standing; every
 * answer varies on Origin, whether the request had one or not.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class SharedCacheHeadersTest {

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Test
    void aPublicFeedCarriesThePolicyButNoPerCallerValuesAnonymousOrSignedIn() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        f.post(author, Instant.now().minusSeconds(20));
        String profile = "/v1/feed/users/" + author.handle();
        for (Response r : new Response[] {client().get(profile), as(f.user()).get(profile)}) {
            r.then().statusCode(200)
                    .header("RateLimit-Policy", notNullValue())
                    .header("RateLimit", nullValue())
                    .header("X-RateLimit-Limit", nullValue())
                    .header("X-RateLimit-Remaining", nullValue())
                    .header("X-RateLimit-Reset", nullValue());
            assertTrue(String.join(", ", r.headers().getValues("Cache-Control")).contains("public"));
            assertTrue(vary(r).contains("origin"), "Vary without an Origin request header: " + vary(r));
            // A revalidation (304) keeps the public caching and so the same rule.
            client().header("If-None-Match", r.header("ETag")).get(profile).then().statusCode(304)
                    .header("RateLimit", nullValue())
                    .header("X-RateLimit-Remaining", nullValue());
        }
        client().get("/v1/feed/entities/" + f.entity()).then().statusCode(200)
                .header("RateLimit-Policy", notNullValue())
                .header("RateLimit", nullValue())
                .header("X-RateLimit-Remaining", nullValue());
    }

    @Test
    void aPersonalFeedStillCarriesTheCallersStanding() {
        FeedFixture f = new FeedFixture(database, tokens);
        Response home = as(f.user()).get("/v1/feed/home");
        home.then().statusCode(200)
                .header("RateLimit-Policy", notNullValue())
                .header("RateLimit", notNullValue())
                .header("X-RateLimit-Limit", notNullValue())
                .header("X-RateLimit-Remaining", notNullValue())
                .header("X-RateLimit-Reset", notNullValue());
        assertTrue(vary(home).contains("origin") && vary(home).contains("authorization"), vary(home));
    }

    private static String vary(Response r) {
        return String.join(", ", r.headers().getValues("Vary")).toLowerCase();
    }
}
