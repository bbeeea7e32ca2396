package io.paddock.feed;

import io.paddock.feed.FeedDocuments.PostCreated;
import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.SignedIn;
import io.paddock.shared.http.QueryParams;
import io.paddock.shared.idempotency.IdempotencyFilter;
import io.paddock.shared.http.StorableText.Storable;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.validation.Constraints;
import io.paddock.shared.validation.RequestBodies;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Creating and deleting posts, and the caller's actions on them. */
@Path("/v1/posts")
@Tag(name = "Feed")
@SecurityRequirement(name = "bearer")
public class PostsResource {

    public static final int MAX_TARGETS = 10;

    @Schema(example = "{\"body\": \"Qualifying starts at 14:00\", \"targetEntityIds\": [\"01938a6e-5b1c-7c3e-9f1a-2b3c4d5e6f70\"]}")
    public record NewPost(
            @NotNull(message = "is required") @Pattern(regexp = Constraints.NOT_BLANK, message = "must not be blank")
            @Size(max = 5000, message = "must be at most 5000 characters") @Storable String body,
            @Size(max = MAX_TARGETS, message = "must name at most " + MAX_TARGETS + " entities")
            List<@NotNull(message = "must be entity ids") UUID> targetEntityIds) {
    }

    public record Action(
            @NotNull(message = "is required")
            @Schema(enumeration = {"like", "save", "hide", "report"})
            @Pattern(regexp = "^(like|save|hide|report)$", message = "must be one of like, save, hide, report") String type) {
    }

    private final Caller caller;
    private final FeedWrites writes;

    public PostsResource(Caller caller, FeedWrites writes) {
        this.caller = caller;
        this.writes = writes;
    }

    @POST
    @RateLimited(Category.WRITE)
    @SignedIn
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createPost", summary = "Publish a post", description = "Body 1 to 5,000 characters; up to 10 target entities. "
            + "Every feed that includes it shows it on its next read.")
    @APIResponse(responseCode = "201", description = "The post",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PostCreated.class)))
    public Response create(@RequestBody(required = true) NewPost post, @Context HttpHeaders headers) throws SQLException {
        RequestBodies.valid(post);
        List<UUID> targets = post.targetEntityIds() == null ? List.of() : post.targetEntityIds();
        PostCreated created = new PostCreated(writes.createPost(caller.principal().userId(), post.body(), targets,
                IdempotencyFilter.acceptedKey(headers)));
        return Response.status(201).entity(created).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @DELETE
    @Path("/{postId}")
    @RateLimited(Category.WRITE)
    @SignedIn
    @Operation(operationId = "deletePost", summary = "Delete a post", description = "The author or an admin.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", description = "The caller is neither the author nor an admin")
    @APIResponse(responseCode = "404", description = "No such post (or already deleted)")
    public Response delete(@PathParam("postId") String postId) throws SQLException {
        UUID id = QueryParams.uuid("postId", postId);
        writes.deletePost(caller.principal(), id);
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @POST
    @Path("/{postId}/actions")
    @RateLimited(Category.MUTATION)
    @SignedIn
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "actOnPost", summary = "Like, save, hide or report a post",
            description = "Once per post and type (a repeat is a no-op 204); also recorded as a usage event. "
                    + "Hidden and reported posts leave the caller's home feed at once.")
    @APIResponse(responseCode = "204", description = "Recorded")
    @APIResponse(responseCode = "404", description = "No such post (or deleted)")
    public Response act(@PathParam("postId") String postId, @RequestBody(required = true) Action action)
            throws SQLException {
        RequestBodies.valid(action);
        UUID id = QueryParams.uuid("postId", postId);
        writes.act(caller.principal(), id, action.type());
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
