package io.paddock.feed;

import io.paddock.shared.auth.Principal;
import io.paddock.shared.snapshot.PrimingRequest;
import io.paddock.shared.snapshot.PrimingRequests;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The feed's SnapStart priming: the public feeds read PostgreSQL (a handle and an entity no one has, so 404
 * and nothing recorded as served), the home feed and a post refused before the body is read (anonymous, 401);
 * signed in as the user no one is, the home feed (empty) and a post and an action refused at validation (400).
 * Where the database has posts, the public profile feed of a user who wrote one too: a page with items is
 * what most requests answer, and its rendering, ETag and CDN headers are otherwise first run by a user after
 * every restore. It only reads; its page lands in the feed cache as any viewer's read would (public data).
 */
@ApplicationScoped
class FeedPriming implements PrimingRequests {

    private final FeedQueries queries;

    FeedPriming(FeedQueries queries) {
        this.queries = queries;
    }

    @Override
    public List<PrimingRequest> requests() {
        List<PrimingRequest> requests = new ArrayList<>(always());
        aHandleWithPosts().ifPresent(handle -> requests.add(PrimingRequest.get("/v1/feed/users/" + handle + "?limit=20",
                200, "profile feed with posts: rendering, ETag, CDN headers")));
        return requests;
    }

    private Optional<String> aHandleWithPosts() {
        try {
            return queries.aHandleWithPosts();
        } catch (SQLException | RuntimeException e) {
            return Optional.empty(); // priming goes on without it; the stores' own requests above say what is wrong
        }
    }

    private static List<PrimingRequest> always() {
        return List.of(
                PrimingRequest.get("/v1/feed/users/snapstart_priming?limit=20", 404, "profile feed: limiter, PostgreSQL"),
                PrimingRequest.get("/v1/feed/entities/00000000-0000-7000-8000-000000000000", 404,
                        "entity feed: PostgreSQL"),
                PrimingRequest.get("/v1/feed/home", 401, "home feed: token check"),
                PrimingRequest.send("POST", "/v1/posts", "{\"text\":\"\"}", 401, "a write refused before its body"),
                PrimingRequest.get("/v1/feed/home?limit=20", 200, "home feed signed in: PostgreSQL, Redis page cache")
                        .signedInAs(Principal.USER),
                PrimingRequest.send("POST", "/v1/posts", "{\"text\":\"\"}", 400, "a post refused at validation")
                        .signedInAs(Principal.USER),
                PrimingRequest.send("POST", "/v1/posts/00000000-0000-7000-8000-000000000000/actions", "{\"type\":\"none\"}",
                        400, "an action refused at validation").signedInAs(Principal.USER));
    }
}
