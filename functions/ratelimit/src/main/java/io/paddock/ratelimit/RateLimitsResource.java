package io.paddock.ratelimit;

import io.paddock.shared.auth.Caller;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.CurrentStanding;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.ratelimit.RateLimiter;
import io.paddock.shared.ratelimit.Standing;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** GET /v1/rate-limits: where the caller (user, else client address) stands in every category. */
@Path("/v1/rate-limits")
@Tag(name = "Rate limits")
public class RateLimitsResource {

    /** One category's standing, as the contract names its fields. */
    public record CategoryStanding(int limit, int remaining, long resetSeconds, long windowSeconds) {
    }

    /** The contract's {@code categories}, plus which key and tier they were counted under. */
    public record StandingDocument(String key, String tier, Map<String, CategoryStanding> categories) {
    }

    private final Caller caller;
    private final RateLimiter limiter;
    private final CurrentStanding current;

    public RateLimitsResource(Caller caller, RateLimiter limiter, CurrentStanding current) {
        this.caller = caller;
        this.limiter = limiter;
        this.current = current;
    }

    @GET
    @RateLimited(value = Category.READ, counted = false)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getRateLimits", summary = "The caller's rate-limit standing in every category",
            description = "Keyed by user when a bearer token is sent, else by client address; the auth "
                    + "category always by client address, as its routes count. A token that is sent must be valid "
                    + "(else 401), as on every route. Reading it "
                    + "spends nothing and is answered even when a category's window is spent (only a per-second burst "
                    + "limit of its own applies). Personal: private, no-cache.")
    @APIResponse(responseCode = "200", description = "Standing per category",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StandingDocument.class)))
    @SecurityRequirementsSet(@SecurityRequirement(name = "bearer"))
    @SecurityRequirementsSet
    public Response standing() {
        // An expired or revoked token must not be answered with the address's standing: the client would read
        // another key's numbers as its own instead of learning to refresh (the 401 events gives the same token).
        caller.optional();
        RateLimiter.Subject subject = current.subject();
        Map<String, CategoryStanding> categories = new LinkedHashMap<>();
        for (Map.Entry<Category, Standing> e : limiter.standings(subject).entrySet()) {
            Standing s = e.getValue();
            categories.put(e.getKey().policyName(),
                    new CategoryStanding(s.limit(), s.remaining(), s.resetSeconds(), s.windowSeconds()));
        }
        return Response.ok(new StandingDocument(subject.key(), subject.tier(), categories))
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .header(HttpHeaders.VARY, HttpHeaders.AUTHORIZATION)
                .build();
    }
}
