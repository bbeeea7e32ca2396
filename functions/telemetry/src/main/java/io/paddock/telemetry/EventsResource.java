package io.paddock.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.paddock.shared.auth.AcceptsApiKey;
import io.paddock.shared.auth.ApiKeyScope;
import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.Principal;
import io.paddock.shared.auth.SignedIn;
import io.paddock.shared.http.Problem;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** POST /v1/events: a batch of usage events, each judged alone; retries of an eventId are free. */
@Path("/v1/events")
@Tag(name = "Usage telemetry")
public class EventsResource {

    private final Caller caller;
    private final EventIngestion ingestion;
    private final EventStore store;

    public EventsResource(Caller caller, EventIngestion ingestion, EventStore store) {
        this.caller = caller;
        this.ingestion = ingestion;
        this.store = store;
    }

    @GET
    @RateLimited(Category.READ)
    @SignedIn
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listMyEvents", summary = "The caller's own usage events, newest first",
            description = "Admins may read another user's events with ?userId=; others get 403 for it.")
    @APIResponse(responseCode = "200", description = "One page; nextCursor is null at the end",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventPage.class)))
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "403", description = "?userId= from a caller who is not an admin")
    public Response list(@Parameter(description = "Only events of this type", schema = @Schema(enumeration = {
                    "impression", "dwell_start", "dwell_end", "click", "open", "share", "like", "save", "hide", "report"}))
            @QueryParam("type") String type, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit, @QueryParam("userId") String userId)
            throws SQLException {
        Principal principal = caller.principal();
        UUID subject = principal.userId();
        if (userId != null) {
            caller.requireRole(Principal.ADMIN);
            subject = QueryParams.uuid("userId", userId);
        }
        if (type != null && !UsageEvent.TYPES.contains(type)) {
            throw QueryParams.invalid("type", "must be one of the event types");
        }
        EventStore.Query query = new EventStore.Query(subject, type, QueryParams.instant("from", from),
                QueryParams.instant("to", to), QueryParams.cursor(cursor), QueryParams.limit(limit));
        EventPage page = store.page(new EventStore.Actor(principal.userId(), null, principal.isAdmin()), query);
        return Response.ok(page)
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .header(HttpHeaders.VARY, "Authorization")
                .build();
    }

    @POST
    @RateLimited(Category.TELEMETRY)
    @AcceptsApiKey(ApiKeyScope.TELEMETRY_WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "sendEvents", summary = "Record a batch of usage events",
            description = "Up to 100 events and 256 KiB. Bearer optional: anonymous events carry anonymousId "
                    + "(per event or once for the batch). One event is stored per sender and eventId, whatever "
                    + "occurredAt says; resends count as duplicates. An API key with the telemetry:write scope may "
                    + "send events too: they are anonymous events (no user id; anonymousId as above), and the key "
                    + "appears by id in the request log only.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = EventBatchDocument.class)))
    @APIResponse(responseCode = "202", description = "Stored what was valid; rejected lists the others by index",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = EventIngestion.Receipt.class)))
    @SecurityRequirementsSet(@SecurityRequirement(name = "bearer"))
    @SecurityRequirementsSet
    @SecurityRequirementsSet(@SecurityRequirement(name = "apiKey"))
    public Response record(JsonNode body) throws SQLException {
        // Bearer optional: no declaration; an anonymous batch is judged on its body, a bad token is still a 401.
        // An API key (AuthorizationFilter let it in for telemetry:write) is no user: its batch is an anonymous one.
        Optional<Principal> principal = caller.optional();
        try {
            // A SQLException here means neither PostgreSQL nor the parking store took the batch (or PostgreSQL
            // refused the work for a reason other than its content): the mapped 503 tells the client to retry it.
            EventIngestion.Receipt receipt = ingestion.ingest(principal.map(Principal::userId).orElse(null),
                    principal.map(Principal::isAdmin).orElse(false), body);
            return Response.accepted(receipt).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        } catch (EventIngestion.BadBatch e) {
            throw Problem.invalid(e.status, e.getMessage(), e.errors);
        }
    }
}
