package io.paddock.ratelimit;

import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.audit.AuditTrail;
import io.paddock.shared.auth.AdminOnly;
import io.paddock.shared.auth.Caller;
import io.paddock.shared.http.Problem.FieldError;
import io.paddock.shared.http.Problem;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.ratelimit.RateLimiter;
import io.paddock.shared.validation.RequestBodies;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin controls of the limiter: per-user overrides and unblocking a key. */
@Path("/v1/admin/rate-limits")
@Tag(name = "Rate limits")
@SecurityRequirement(name = "bearer")
public class AdminRateLimitsResource {

    /** PUT body: another tier and/or per-category multipliers; neither (or both null) removes the override. */
    public record OverrideRequest(
            @Schema(description = "A configured tier (anonymous, user, admin, or one the deployment adds)", example = "partner")
            String tier,
            @Schema(description = "Category → multiplier of its limit, each in (0, 100]", example = "{\"read\": 2}")
            Map<String, Double> multipliers) {
    }

    public record OverrideDocument(UUID userId,
            @Schema(nullable = true, description = "null when the override sets multipliers only") String tier, Map<String, Double> multipliers, Instant updatedAt) {
    }

    private final Caller caller;
    private final RateLimiter limiter;
    private final RateLimitOverrideStore store;
    private final OverrideRules rules;
    private final AuditTrail audit;

    public AdminRateLimitsResource(Caller caller, RateLimiter limiter, RateLimitOverrideStore store, AuditTrail audit) {
        this.caller = caller;
        this.limiter = limiter;
        this.store = store;
        this.rules = new OverrideRules(limiter.policies());
        this.audit = audit;
    }

    @PUT
    @Path("/overrides/{userId}")
    @RateLimited(Category.ADMIN)
    @AdminOnly
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "putRateLimitOverride", summary = "Set a user's rate-limit tier and/or multipliers",
            description = "Admin. Stored durably; applies at once in this container and within 30 s everywhere. "
                    + "A body with neither tier nor multipliers removes the override. Recorded in the audit trail.")
    @APIResponse(responseCode = "200", description = "The stored override",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OverrideDocument.class)))
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    @APIResponse(responseCode = "404", description = "No such user")
    public Response putOverride(@PathParam("userId") String userIdText, @RequestBody(required = true) OverrideRequest body)
            throws SQLException {
        RequestBodies.valid(body);
        UUID userId = rules.userId(userIdText);
        List<FieldError> errors = rules.check(body);
        if (!errors.isEmpty()) {
            throw Problem.invalid("The override has invalid fields", errors);
        }
        Map<String, Double> multipliers = body.multipliers() == null ? Map.of() : body.multipliers();
        Instant updatedAt = store.put(userId, body.tier(), multipliers, caller.principal().userId())
                .orElseThrow(() -> new NotFoundException("No user " + userId));
        limiter.overrides().invalidate();
        return Response.ok(new OverrideDocument(userId, body.tier(), multipliers, updatedAt))
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @DELETE
    @Path("/blocks/{key}")
    @RateLimited(Category.ADMIN)
    @AdminOnly
    @Operation(operationId = "deleteRateLimitBlock", summary = "Unblock a key",
            description = "Admin. Key ip:<address> or user:<id>. Clears its windows in every layer and, for an "
                    + "address, its edge (WAF) block at the next sync. Idempotent; every call is recorded in the audit trail.")
    @APIResponse(responseCode = "204", description = "Cleared")
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    public Response unblock(@PathParam("key") String key) throws SQLException {
        String subject = rules.subjectKey(key);
        boolean edgeBlockLifted = limiter.unblock(subject);
        // The clearing spans Redis, PostgreSQL and the edge list in steps of their own, so the row follows them.
        audit.record(AuditAction.RATE_LIMIT_UNBLOCKED, caller.principal().userId(), subject,
                Map.of("edgeBlockLifted", edgeBlockLifted));
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
