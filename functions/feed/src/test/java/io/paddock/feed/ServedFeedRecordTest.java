package io.paddock.feed;

import static io.paddock.feed.FeedFixture.as;
import static io.paddock.feed.FeedFixture.client;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.redis.ServedFeeds;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, finding 10: every feed page served is recorded by its X-Request-Id, so that telemetry counts
 * an impression only when its feedRequestId names a page served to its sender — a home page for its
 * viewer alone, a public page (which CDNs hand to anyone) for anyone.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ServedFeedRecordTest {

    private static final Duration WAIT = Duration.ofSeconds(1);

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Inject
    ServedFeeds servedFeeds;

    @Test
    void aHomeFeedResponseIsRecordedAsServedToItsViewerOnly() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser viewer = f.user();
        f.post(viewer, Instant.now().minusSeconds(30));

        String requestId = as(viewer).get("/v1/feed/home").then().statusCode(200).extract().header("X-Request-Id");

        awaitServed(viewer.id(), requestId);
        assertEquals(Set.of(), servedFeeds.servedTo(null, Set.of(requestId), WAIT).orElseThrow(), "not public");
        assertEquals(Set.of(), servedFeeds.servedTo(f.user().id(), Set.of(requestId), WAIT).orElseThrow(), "not another user's");
    }

    @Test
    void aPublicFeedResponseIsRecordedAsServedToAnyoneWhoeverAskedForIt() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        f.post(author, Instant.now().minusSeconds(30));
        TestUser reader = f.user();
        String profileId = "profile-" + UUID.randomUUID();
        String entityId = "entity-" + UUID.randomUUID();

        // Asked for with a token: still a shared-cacheable answer, so it is recorded for the public.
        as(reader).header("X-Request-Id", profileId).get("/v1/feed/users/" + author.handle()).then().statusCode(200)
                .header("X-Request-Id", profileId);
        client().header("X-Request-Id", entityId).get("/v1/feed/entities/" + f.entity()).then().statusCode(200);

        awaitServed(null, profileId);
        awaitServed(null, entityId);
        assertEquals(Set.of(profileId), servedFeeds.servedTo(f.user().id(), Set.of(profileId), WAIT).orElseThrow(),
                "any signed-in sender matches a public page");
    }

    @Test
    void aRevalidatedPageIsRecordedUnderTheRevalidationsOwnId() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser viewer = f.user();
        f.post(viewer, Instant.now().minusSeconds(30));
        String etag = as(viewer).get("/v1/feed/home").then().statusCode(200).extract().header("ETag");

        String revalidation = as(viewer).header("If-None-Match", etag).get("/v1/feed/home").then().statusCode(304)
                .extract().header("X-Request-Id");

        awaitServed(viewer.id(), revalidation);
    }

    /** Recording never holds up the answer, so the test waits for Redis to hold it. */
    private void awaitServed(UUID viewer, String requestId) {
        await().atMost(Duration.ofSeconds(5)).until(() -> servedFeeds.servedTo(viewer, Set.of(requestId), WAIT)
                .orElse(Set.of()).contains(requestId));
    }
}
