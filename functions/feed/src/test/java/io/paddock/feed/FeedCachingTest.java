package io.paddock.feed;

import static io.paddock.feed.FeedFixture.as;
import static io.paddock.feed.FeedFixture.client;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Cached first pages that are never stale after a write, HTTP revalidation, and life without Redis. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class FeedCachingTest {

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Inject
    FeedQueries queries;

    @Test
    void aNewPostIsOnTheAuthorsProfileAndAFollowersHomeAtTheNextReadAndGoneAfterDelete() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        TestUser follower = f.user();
        UUID entity = f.entity();
        f.follow(follower, author);
        f.post(author, Instant.now().minusSeconds(60));
        // Cache all three first pages.
        String profile = "/v1/feed/users/" + author.handle();
        client().get(profile).then().statusCode(200);
        as(follower).get("/v1/feed/home").then().statusCode(200);
        client().get("/v1/feed/entities/" + entity).then().statusCode(200);
        long before = queries.pageQueries();
        client().get(profile).then().statusCode(200);
        assertEquals(before, queries.pageQueries(), "the second read came from the cache");

        String created = as(author).body("{\"body\":\"fresh news\",\"targetEntityIds\":[\"" + entity + "\"]}")
                .post("/v1/posts").then().statusCode(201)
                .header("Cache-Control", "no-store")
                .body("post.body", equalTo("fresh news"))
                .body("post.author.handle", equalTo(author.handle()))
                .body("post.likeCount", equalTo(0))
                .extract().path("post.id");
        client().get(profile).then().statusCode(200).body("items[0].id", equalTo(created));
        as(follower).get("/v1/feed/home").then().statusCode(200).body("items[0].id", equalTo(created));
        client().get("/v1/feed/entities/" + entity).then().statusCode(200).body("items[0].id", equalTo(created));

        as(author).delete("/v1/posts/" + created).then().statusCode(204);
        client().get(profile).then().statusCode(200).body("items.id", not(hasItem(created)));
        as(follower).get("/v1/feed/home").then().statusCode(200).body("items.id", not(hasItem(created)));
        client().get("/v1/feed/entities/" + entity).then().statusCode(200).body("items.id", not(hasItem(created)));
    }

    @Test
    void sameContentSameEtagAnd304ANewPostANewEtag() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        f.post(author, Instant.now().minusSeconds(30));
        String profile = "/v1/feed/users/" + author.handle();
        Response first = client().get(profile);
        first.then().statusCode(200);
        String etag = first.header("ETag");
        // The Lambda test adapter splits comma-joined header values into repeated headers.
        assertEquals("public, max-age=0, s-maxage=30, stale-while-revalidate=60, stale-if-error=300",
                String.join(", ", first.headers().getValues("Cache-Control")));
        assertEquals(etag, client().get(profile).header("ETag"));
        Response revalidated = client().header("If-None-Match", etag).get(profile);
        revalidated.then().statusCode(304).header("ETag", etag);
        assertEquals("", revalidated.asString());
        assertEquals(first.headers().getValues("Cache-Control"), revalidated.headers().getValues("Cache-Control"));

        as(author).body("{\"body\":\"another\"}").post("/v1/posts").then().statusCode(201);
        Response changed = client().header("If-None-Match", etag).get(profile);
        changed.then().statusCode(200);
        assertNotEquals(etag, changed.header("ETag"));

        Response home = as(author).get("/v1/feed/home");
        assertEquals("private, no-cache", String.join(", ", home.headers().getValues("Cache-Control")));
        // Vary: Authorization, Origin (every answer varies on Origin, issue 13 finding 8).
        assertTrue(home.headers().getValues("Vary").contains("Authorization"), home.headers().getValues("Vary").toString());
    }

    @Test
    void aHomeFeedRevalidatedWithItsTagIs304WithItsCachingHeadersAndSoIsALaterPage() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser viewer = f.user();
        for (int i = 0; i < 3; i++) {
            f.post(viewer, Instant.now().minusSeconds(60 - i));
        }
        Response first = as(viewer).get("/v1/feed/home?limit=2");
        first.then().statusCode(200);
        String etag = first.header("ETag");

        Response revalidated = as(viewer).header("If-None-Match", "W/" + etag).get("/v1/feed/home?limit=2");
        revalidated.then().statusCode(304).header("ETag", etag);
        assertEquals("", revalidated.asString());
        assertEquals("private, no-cache", String.join(", ", revalidated.headers().getValues("Cache-Control")));
        assertTrue(revalidated.headers().getValues("Vary").contains("Authorization"), revalidated.headers().toString());
        as(viewer).header("If-None-Match", "\"some-other-copy\"").get("/v1/feed/home?limit=2").then().statusCode(200)
                .header("ETag", etag);

        // Later pages are not cached; the tag filter still revalidates them.
        String next = "/v1/feed/home?limit=2&cursor=" + first.jsonPath().getString("nextCursor");
        Response second = as(viewer).get(next);
        second.then().statusCode(200);
        as(viewer).header("If-None-Match", second.header("ETag")).get(next).then().statusCode(304)
                .header("ETag", second.header("ETag"));
    }

    @Test
    void withRedisStoppedFeedsAre200FromPostgresAndCachedAgainOnceItIsBack() throws Exception {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        UUID post = f.post(author, Instant.now().minusSeconds(10));
        String profile = "/v1/feed/users/" + author.handle();
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        stores.stopRedis();
        try {
            for (int i = 0; i < 3; i++) {
                client().get(profile).then().statusCode(200).body("items[0].id", equalTo(post.toString()));
                as(author).get("/v1/feed/home").then().statusCode(200).body("items[0].id", equalTo(post.toString()));
            }
            // Writes work too; their cache invalidation is skipped (Redis keeps nothing across its restart here).
            as(author).body("{\"body\":\"while redis is down\"}").post("/v1/posts").then().statusCode(201);
        } finally {
            stores.startRedis();
        }
        // First pages are served from Redis again once it is back: a read that runs no query.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            client().get(profile).then().statusCode(200);
            long before = queries.pageQueries();
            client().get(profile).then().statusCode(200).body("items[0].body", equalTo("while redis is down"));
            return queries.pageQueries() == before;
        });
    }
}
