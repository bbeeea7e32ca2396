package io.paddock.ratelimit;

import io.paddock.shared.auth.AdminOnly;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** GET /v1/admin/audit: the audit trail of admin actions and security events, for admins. */
@Path("/v1/admin/audit")
@Tag(name = "Audit")
@SecurityRequirement(name = "bearer")
public class AuditResource {

    private final AuditLog log;

    public AuditResource(AuditLog log) {
        this.log = log;
    }

    @GET
    @RateLimited(Category.ADMIN)
    @AdminOnly
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listAuditEvents", summary = "The audit trail, newest first",
            description = "Admin. Sign-ins, failed sign-ins that started a back-off, refresh-token reuse, role changes, "
                    + "rate-limit overrides and unblocks, one row each, kept 400 days by default. Filters combine: "
                    + "actor (a user id), target (exact), action, from (inclusive) and to (exclusive). Personal: "
                    + "private, no-cache.")
    @APIResponse(responseCode = "200", description = "One page; nextCursor is null at the end",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuditPage.class)))
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    public Response list(
            @Parameter(description = "Only what this user did (a user id)")
            @QueryParam("actor") String actor,
            @Parameter(description = "Only what was done to this target: a user id, ip:<address>, user:<id>, a key id")
            @QueryParam("target") String target,
            @Parameter(description = "Only this action", schema = @Schema(enumeration = {"auth.signed_in",
                    "auth.sign_in_backoff_started", "auth.refresh_token_reused", "account.deleted",
                    "account.role_changed", "api_key.created", "api_key.revoked", "rate_limit.override_set",
                    "rate_limit.override_removed", "rate_limit.unblocked"}))
            @QueryParam("action") String action,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) throws SQLException {
        AuditLog.Query query = AuditLog.Query.parse(actor, target, action, from, to, cursor, limit);
        return Response.ok(log.page(query))
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .header(HttpHeaders.VARY, HttpHeaders.AUTHORIZATION)
                .build();
    }
}
