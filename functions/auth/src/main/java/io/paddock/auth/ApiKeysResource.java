package io.paddock.auth;

import io.paddock.shared.auth.AdminOnly;
import io.paddock.shared.auth.Caller;
import io.paddock.shared.http.QueryParams;
import io.paddock.shared.http.TimeOrderedCursor;
import io.paddock.shared.idempotency.AnswerNeverKept;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.validation.RequestBodies;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;

/** API keys for integrations, for admins: create (the key shown once), list, revoke. The work is {@link ApiKeys}. */
@Path("/v1/admin/api-keys")
@Tag(name = "Auth")
@SecurityRequirement(name = "bearer")
public class ApiKeysResource {

    private static final String NO_STORE = "no-store";

    private final Caller caller;
    private final ApiKeys keys;

    public ApiKeysResource(Caller caller, ApiKeys keys) {
        this.caller = caller;
        this.keys = keys;
    }

    /**
     * Never kept for an Idempotency-Key replay: the answer holds the key, and a second store holding it for 24 h
     * would be a second place to steal it from. A client that lost the answer lists the keys, revokes the one it
     * cannot have received, and creates another.
     */
    @POST
    @AnswerNeverKept
    @RateLimited(Category.ADMIN)
    @AdminOnly
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    @Operation(operationId = "createApiKey", summary = "Create an API key for an integration",
            description = "Admin. The answer holds the key, once: Paddock keeps only its SHA-256. Never kept for an "
                    + "Idempotency-Key replay (the header is ignored): after a network failure, list the keys, revoke the "
                    + "one whose answer never arrived, and create another. Scopes: read (GET and HEAD of routes that "
                    + "need no user), telemetry:write (POST /v1/events).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiKeyRequest.class)))
    @APIResponse(responseCode = "201", description = "The key, shown only here",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeyDocuments.Created.class)))
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    public Response create(ApiKeyRequest body) throws SQLException {
        RequestBodies.valid(body);
        ApiKeyDocuments.Created created = keys.create(body, caller.principal().userId());
        return Response.status(201).entity(created).header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
    }

    @GET
    @RateLimited(Category.ADMIN)
    @AdminOnly
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listApiKeys", summary = "The API keys, newest first",
            description = "Admin. Every key ever created, revoked ones too, never a key or its hash. Personal: "
                    + "private, no-cache.")
    @APIResponse(responseCode = "200", description = "One page; nextCursor is null at the end",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeyDocuments.Page.class)))
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    public Response list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) throws SQLException {
        TimeOrderedCursor after = cursor == null ? null : cursor(cursor);
        return Response.ok(keys.page(after, QueryParams.limit(limit)))
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .header(HttpHeaders.VARY, HttpHeaders.AUTHORIZATION)
                .build();
    }

    /**
     * An id never issued is a 404, unlike DELETE /v1/admin/users/{userId}: keys are never deleted, so a repeated
     * revocation always finds its key (204), and a 404 can only mean a mistyped id — which a 204 would hide from an
     * admin revoking a leaked key.
     */
    @DELETE
    @Path("/{id}")
    @RateLimited(Category.ADMIN)
    @AdminOnly
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key",
            description = "Admin. Every function refuses the key from the moment this answers. Repeated: 204. An id "
                    + "that was never issued: 404.")
    @APIResponse(responseCode = "204", description = "The key is revoked (now or before)")
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    @APIResponse(responseCode = "404", description = "No key was ever issued with this id")
    public Response revoke(@PathParam("id") String idText) throws SQLException {
        UUID id = QueryParams.uuid("id", idText);
        if (keys.revoke(id, caller.principal().userId()) == ApiKeys.Revocation.UNKNOWN) {
            throw new NotFoundException("No API key " + id);
        }
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
    }

    private static TimeOrderedCursor cursor(String cursor) {
        try {
            return TimeOrderedCursor.decode(ApiKeys.CURSOR_VERSION, cursor);
        } catch (IllegalArgumentException e) {
            throw QueryParams.invalid("cursor", e.getMessage());
        }
    }
}
