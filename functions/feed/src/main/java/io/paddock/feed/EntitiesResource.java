package io.paddock.feed;

import io.paddock.feed.FeedDocuments.EntityCreated;
import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.Principal;
import io.paddock.shared.auth.SignedIn;
import io.paddock.shared.http.StorableText.Storable;
import io.paddock.shared.idempotency.IdempotencyFilter;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.validation.Constraints;
import io.paddock.shared.validation.RequestBodies;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Entities (topics, places, teams …) that posts target and users follow. */
@Path("/v1/entities")
@Tag(name = "Feed")
@SecurityRequirement(name = "bearer")
public class EntitiesResource {

    public record NewEntity(
            @NotNull(message = "is required") @Pattern(regexp = Constraints.NOT_BLANK, message = "must not be blank")
            @Size(max = 40, message = "must be at most 40 characters") @Storable String kind,
            @NotNull(message = "is required") @Pattern(regexp = Constraints.NOT_BLANK, message = "must not be blank")
            @Size(max = 200, message = "must be at most 200 characters") @Storable String name) {
    }

    private final Caller caller;
    private final FeedWrites writes;

    public EntitiesResource(Caller caller, FeedWrites writes) {
        this.caller = caller;
        this.writes = writes;
    }

    @POST
    @RateLimited(Category.WRITE)
    @SignedIn
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createEntity", summary = "Create an entity",
            description = "Any signed-in user. kind (at most 40 characters) and name (at most 200) must not be blank; "
                    + "both are stored without surrounding whitespace.")
    @APIResponse(responseCode = "201", description = "The entity",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EntityCreated.class)))
    public Response create(@RequestBody(required = true) NewEntity entity, @Context HttpHeaders headers) throws SQLException {
        RequestBodies.valid(entity);
        Principal creator = caller.principal();
        EntityCreated created = new EntityCreated(writes.createEntity(creator.userId(), entity.kind().strip(),
                entity.name().strip(), IdempotencyFilter.acceptedKey(headers)));
        return Response.status(201).entity(created).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
