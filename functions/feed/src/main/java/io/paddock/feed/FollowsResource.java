package io.paddock.feed;

import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.Handles;
import io.paddock.shared.auth.SignedIn;
import io.paddock.shared.http.QueryParams;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Following users and entities; both idempotent (PUT twice and DELETE twice are 204). */
@Path("/v1/follows")
@Tag(name = "Feed")
@SecurityRequirement(name = "bearer")
public class FollowsResource {

    private final Caller caller;
    private final FeedReads reads;
    private final FeedWrites writes;

    public FollowsResource(Caller caller, FeedReads reads, FeedWrites writes) {
        this.caller = caller;
        this.reads = reads;
        this.writes = writes;
    }

    @PUT
    @Path("/users/{handle}")
    @RateLimited(Category.WRITE)
    @SignedIn
    @Operation(operationId = "followUser", summary = "Follow a user", description = "Idempotent: following again is 204. "
            + "The user's posts appear in the caller's home feed on its next read; following oneself is a 400.")
    @APIResponse(responseCode = "204", description = "Following")
    @APIResponse(responseCode = "404", description = "No user with this handle")
    public Response followUser(@PathParam("handle") String handle) throws SQLException {
        return user(handle, true);
    }

    @DELETE
    @Path("/users/{handle}")
    @RateLimited(Category.WRITE)
    @SignedIn
    @Operation(operationId = "unfollowUser", summary = "Stop following a user", description = "Idempotent: a user not followed is 204 too.")
    @APIResponse(responseCode = "204", description = "Not following")
    @APIResponse(responseCode = "404", description = "No user with this handle")
    public Response unfollowUser(@PathParam("handle") String handle) throws SQLException {
        return user(handle, false);
    }

    @PUT
    @Path("/entities/{entityId}")
    @RateLimited(Category.WRITE)
    @SignedIn
    @Operation(operationId = "followEntity", summary = "Follow an entity", description = "Idempotent: following again is 204. "
            + "Posts targeting the entity appear in the caller's home feed on its next read.")
    @APIResponse(responseCode = "204", description = "Following")
    @APIResponse(responseCode = "404", description = "No such entity")
    public Response followEntity(@PathParam("entityId") String entityId) throws SQLException {
        return entity(entityId, true);
    }

    @DELETE
    @Path("/entities/{entityId}")
    @RateLimited(Category.WRITE)
    @SignedIn
    @Operation(operationId = "unfollowEntity", summary = "Stop following an entity", description = "Idempotent: an entity not followed is 204 too.")
    @APIResponse(responseCode = "204", description = "Not following")
    @APIResponse(responseCode = "404", description = "No such entity")
    public Response unfollowEntity(@PathParam("entityId") String entityId) throws SQLException {
        return entity(entityId, false);
    }

    private Response user(String handle, boolean follow) throws SQLException {
        if (!Handles.isValid(handle)) {
            throw new NotFoundException("No user @" + handle);
        }
        writes.followUser(caller.principal().userId(), reads.currentUserId(handle), follow);
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    private Response entity(String entityId, boolean follow) throws SQLException {
        UUID entity = QueryParams.uuid("entityId", entityId);
        writes.followEntity(caller.principal().userId(), entity, follow);
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
