package io.paddock.telemetry;

import io.paddock.shared.auth.AdminOnly;
import io.paddock.shared.auth.Caller;
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
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** GET /v1/analytics/ctr and /v1/analytics/funnel: admin only; ranges default to the last 7 days. */
@Path("/v1/analytics")
@Tag(name = "Analytics")
public class AnalyticsResource {

    /** Bounded so that one request can never scan the whole retention window many times over. */
    static final Duration MAX_RANGE = Duration.ofDays(31);

    private final Caller caller;
    private final Analytics analytics;

    public AnalyticsResource(Caller caller, Analytics analytics) {
        this.caller = caller;
        this.analytics = analytics;
    }

    @GET
    @RateLimited(Category.ADMIN)
    @AdminOnly
    @Path("/ctr")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getCtr", summary = "Impressions, clicks and CTR of one item (?itemId) or of the top items",
            description = "Counts what was actually shown: impressions whose feedRequestId names a feed response "
                    + "served to their sender (a home feed served to that user, or a public feed), and clicks by senders "
                    + "with such an impression of the item in the range. Impressions without a feedRequestId, naming an "
                    + "unknown response or another user's, or whose check Redis could not answer at ingestion, are not "
                    + "counted. The top items are those with served impressions, most clicks first.")
    @APIResponse(responseCode = "200", description = "CTR is null where an item has no impressions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Analytics.CtrReport.class)))
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    public Response ctr(@QueryParam("itemId") String itemId, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") String limit) throws SQLException {
        QueryParams.storable("itemId", itemId);
        if (itemId != null && (itemId.isBlank() || itemId.length() > 200)) {
            throw QueryParams.invalid("itemId", "must be 1 to 200 characters");
        }
        Instant[] range = range(from, to);
        return personal(analytics.ctr(caller.principal().userId(), itemId, range[0], range[1], QueryParams.limit(limit)));
    }

    @GET
    @RateLimited(Category.ADMIN)
    @AdminOnly
    @Path("/funnel")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getFunnel", summary = "Impression → open → like/save/share counts, for one surface (?surface) or all",
            description = "Admin. The range is from/to (RFC 3339), by default the last 7 days, at most 31. surface is "
                    + "null when all surfaces are counted; medianDwellMs is null without a dwell_start/dwell_end pair.")
    @APIResponse(responseCode = "200", description = "Counts in the range",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Analytics.Funnel.class)))
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    public Response funnel(@QueryParam("surface") String surface, @QueryParam("from") String from,
            @QueryParam("to") String to) throws SQLException {
        QueryParams.storable("surface", surface);
        if (surface != null && (surface.isBlank() || surface.length() > 64)) {
            throw QueryParams.invalid("surface", "must be 1 to 64 characters");
        }
        Instant[] range = range(from, to);
        return personal(analytics.funnel(caller.principal().userId(), surface, range[0], range[1]));
    }

    private static Instant[] range(String from, String to) {
        Instant end = to == null ? Instant.now() : QueryParams.instant("to", to);
        Instant start = from == null ? end.minus(Duration.ofDays(7)) : QueryParams.instant("from", from);
        if (!start.isBefore(end)) {
            throw QueryParams.invalid("from", "must be before to");
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw QueryParams.invalid("from", "the range may span at most " + MAX_RANGE.toDays() + " days");
        }
        return new Instant[] {start, end};
    }

    private static Response personal(Object body) {
        return Response.ok(body).header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .header(HttpHeaders.VARY, "Authorization").build();
    }
}
