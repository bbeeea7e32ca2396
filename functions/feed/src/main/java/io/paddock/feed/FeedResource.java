package io.paddock.feed;

import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.Handles;
import io.paddock.shared.auth.SignedIn;
import io.paddock.shared.http.EntityTags;
import io.paddock.shared.http.QueryParams;
import io.paddock.shared.http.RequestIds;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.redis.ServedFeeds;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The three feeds: home (personal), a user's profile and an entity's (public, CDN-cacheable). Each page
 * served is recorded by its X-Request-Id ({@link ServedFeeds}) — home for its viewer, public ones for
 * anyone, since a CDN hands them out — so telemetry counts only impressions of pages actually served.
 */
@Path("/v1/feed")
@Tag(name = "Feed")
public class FeedResource {

    private final Caller caller;
    private final FeedReads feeds;
    private final FeedSettings settings;
    private final ServedFeeds served;

    public FeedResource(Caller caller, FeedReads feeds, FeedSettings settings, ServedFeeds served) {
        this.caller = caller;
        this.feeds = feeds;
        this.settings = settings;
        this.served = served;
    }

    @GET
    @Path("/home")
    @RateLimited(Category.READ)
    @SignedIn
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "bearer")
    @Operation(operationId = "getHomeFeed", summary = "The caller's home feed",
            description = "Newest first: own posts, posts by followed users and posts targeting followed entities, "
                    + "each once; without posts the caller hid or reported and without authors the caller blocked. "
                    + "Personal: private, no-cache, Vary: Authorization.")
    @APIResponse(responseCode = "200", description = "A page of posts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FeedDocuments.Page.class)))
    public Response home(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @Context HttpHeaders headers) throws SQLException {
        int pageSize = QueryParams.limit(limit);
        FeedCursor position = FeedCursor.decode(cursor);
        UUID viewer = caller.principal().userId();
        FeedCache.Page page = feeds.home(viewer, position, pageSize, clientTags(headers));
        recordServed(viewer, headers);
        return answer(page)
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .header(HttpHeaders.VARY, HttpHeaders.AUTHORIZATION)
                .build();
    }

    @GET
    @Path("/users/{handle}")
    @RateLimited(Category.READ)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getUserFeed", summary = "A user's posts", description = "Public; cacheable by CDNs (s-maxage).")
    @APIResponse(responseCode = "200", description = "A page of posts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FeedDocuments.Page.class)))
    @APIResponse(responseCode = "404", description = "No user with this handle")
    public Response profile(@PathParam("handle") String handle, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @Context HttpHeaders headers) throws SQLException {
        int pageSize = QueryParams.limit(limit);
        FeedCursor position = FeedCursor.decode(cursor);
        if (!Handles.isValid(handle)) {
            throw new jakarta.ws.rs.NotFoundException("No user @" + handle);
        }
        FeedCache.Page page = feeds.profile(handle, position, pageSize, clientTags(headers));
        recordServed(null, headers);
        return answer(page).header(HttpHeaders.CACHE_CONTROL, settings.publicCacheControl()).build();
    }

    @GET
    @Path("/entities/{entityId}")
    @RateLimited(Category.READ)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getEntityFeed", summary = "Posts targeting an entity", description = "Public; cacheable by CDNs (s-maxage).")
    @APIResponse(responseCode = "200", description = "A page of posts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FeedDocuments.Page.class)))
    @APIResponse(responseCode = "404", description = "No such entity")
    public Response entity(@PathParam("entityId") String entityId, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @Context HttpHeaders headers) throws SQLException {
        UUID entity = QueryParams.uuid("entityId", entityId);
        int pageSize = QueryParams.limit(limit);
        FeedCursor position = FeedCursor.decode(cursor);
        FeedCache.Page page = feeds.entity(entity, position, pageSize, clientTags(headers));
        recordServed(null, headers);
        return answer(page).header(HttpHeaders.CACHE_CONTROL, settings.publicCacheControl()).build();
    }

    private static List<String> clientTags(HttpHeaders headers) {
        return EntityTags.candidates(headers.getHeaderString(HttpHeaders.IF_NONE_MATCH));
    }

    /**
     * 304 with the tag when the client's copy is current (the cache compared tags, no body was read), else the
     * page with its tag, which spares {@link EntityTags} hashing the body again (it still answers 304 to a
     * matching tag on a page that did not come from the cache).
     */
    private static Response.ResponseBuilder answer(FeedCache.Page page) {
        Response.ResponseBuilder answer = page.current() ? Response.notModified()
                : Response.ok(page.body(), MediaType.APPLICATION_JSON_TYPE);
        return answer.header(HttpHeaders.ETAG, page.tag());
    }

    /**
     * A page is about to be answered (200, or 304 when the client's copy is current — its items are
     * shown under this response's id too); a null viewer is anyone (a public page). Never waits.
     */
    private void recordServed(UUID viewer, HttpHeaders headers) {
        served.record(headers.getHeaderString(RequestIds.HEADER), viewer, settings.servedTtl(), settings.redisTimeout());
    }
}
