package io.paddock.ratelimit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** GET /v1/health: live round trips to every store; no auth, never cached, never rate limited. */
@Path("/v1/health")
@Tag(name = "Health")
public class HealthResource {

    private final HealthChecks checks;

    public HealthResource(HealthChecks checks) {
        this.checks = checks;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getHealth", summary = "Health of the API and its stores",
            description = "Runs a real round trip to PostgreSQL, Redis and DynamoDB, each cut off after 1 s.")
    @APIResponse(responseCode = "200", description = "Every store answered",
            content = @Content(schema = @Schema(implementation = HealthChecks.Report.class)))
    @APIResponse(responseCode = "503", description = "At least one store is down (status degraded)",
            content = @Content(schema = @Schema(implementation = HealthChecks.Report.class)))
    public Response health() {
        HealthChecks.Report report = checks.run();
        return Response.status(report.healthy() ? 200 : 503)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(report)
                .build();
    }
}
