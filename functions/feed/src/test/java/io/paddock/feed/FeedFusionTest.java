package io.paddock.feed;

import static io.paddock.feed.FeedFixture.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the home feed holds and in which order, across pages. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class FeedFusionTest {

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Test
    void homeFusesOwnFollowedUsersAndFollowedEntitiesNewestFirstOnceEachAcrossPagesOfTwo() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser viewer = f.user();
        TestUser followed = f.user();
        TestUser stranger = f.user();
        TestUser blocked = f.user();
        UUID running = f.entity();
        UUID climbing = f.entity();
        UUID unfollowedEntity = f.entity();
        f.follow(viewer, followed);
        f.follow(viewer, running);
        f.follow(viewer, climbing);
        f.block(viewer, blocked);
        Instant t = Instant.parse("2026-11-01T10:00:00Z");

        UUID own = f.post(viewer, t.plusSeconds(1));
        UUID byFollowed = f.post(followed, t.plusSeconds(2));
        UUID targetsBoth = f.post(stranger, t.plusSeconds(3), running, climbing);
        UUID hidden = f.post(followed, t.plusSeconds(4));
        UUID reported = f.post(stranger, t.plusSeconds(5), running);
        UUID blockedAuthor = f.post(blocked, t.plusSeconds(6), climbing);
        UUID strangerElsewhere = f.post(stranger, t.plusSeconds(7), unfollowedEntity);
        UUID deleted = f.post(followed, t.plusSeconds(8));
        UUID targetsOne = f.post(stranger, t.plusSeconds(9), climbing);
        // Same instant as the previous post: the id breaks the tie, and neither is lost or repeated.
        UUID sameInstant = f.post(followed, t.plusSeconds(9));
        UUID newestOwn = f.post(viewer, t.plusSeconds(10));
        f.act(viewer, hidden, "hide");
        f.act(viewer, reported, "report");
        f.deleted(deleted);

        List<UUID> expected = new ArrayList<>(List.of(newestOwn));
        List<UUID> tied = new ArrayList<>(List.of(targetsOne, sameInstant));
        // id DESC within one created_at, as PostgreSQL orders uuids (unsigned; Java's UUID.compareTo is signed)
        tied.sort((a, b) -> b.toString().compareTo(a.toString()));
        expected.addAll(tied);
        expected.addAll(List.of(targetsBoth, byFollowed, own));

        List<UUID> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = as(viewer).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get("/v1/feed/home");
            page.then().statusCode(200);
            List<String> ids = page.path("items.id");
            ids.forEach(id -> seen.add(UUID.fromString(id)));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertEquals(expected, seen, "order and set; hidden " + hidden + ", reported " + reported + ", blocked "
                + blockedAuthor + ", elsewhere " + strangerElsewhere + ", deleted " + deleted + " left out");
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no duplicates");
        assertEquals(3, pages, "6 posts in pages of 2");
        assertNull(cursor, "nextCursor is null at the end");
    }

    @Test
    void postsCarryTheContractsFields() {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        UUID entity = f.entity();
        UUID post = f.post(author, Instant.parse("2026-11-02T08:30:15.123456Z"), entity);
        TestUser liker = f.user();
        f.act(liker, post, "like");
        f.act(f.user(), post, "like");
        f.act(liker, post, "save");
        as(author).get("/v1/feed/users/" + author.handle()).then().statusCode(200)
                .body("items[0].id", org.hamcrest.Matchers.equalTo(post.toString()))
                .body("items[0].author.id", org.hamcrest.Matchers.equalTo(author.id().toString()))
                .body("items[0].author.handle", org.hamcrest.Matchers.equalTo(author.handle()))
                .body("items[0].author.displayName", org.hamcrest.Matchers.startsWith("User "))
                .body("items[0].body", org.hamcrest.Matchers.equalTo("post " + post))
                .body("items[0].targetEntityIds", org.hamcrest.Matchers.contains(entity.toString()))
                .body("items[0].createdAt", org.hamcrest.Matchers.equalTo("2026-11-02T08:30:15.123Z"))
                .body("items[0].likeCount", org.hamcrest.Matchers.equalTo(2))
                .body("items[0].keysetCreatedAt", org.hamcrest.Matchers.nullValue())
                .body("nextCursor", org.hamcrest.Matchers.nullValue());
    }
}
