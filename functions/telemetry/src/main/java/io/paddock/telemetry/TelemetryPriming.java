package io.paddock.telemetry;

import io.paddock.shared.auth.Principal;
import io.paddock.shared.snapshot.PrimingRequest;
import io.paddock.shared.snapshot.PrimingRequests;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The telemetry function's SnapStart priming: a batch refused whole at validation (400, nothing stored or
 * parked), the caller's own events and analytics without a token (401), and signed in as the user no one is:
 * a batch refused at validation, its own events (none, under row-level security) and, as an admin, analytics.
 */
@ApplicationScoped
class TelemetryPriming implements PrimingRequests {

    @Override
    public List<PrimingRequest> requests() {
        return List.of(
                PrimingRequest.send("POST", "/v1/events", "{\"anonymousId\":\"snapstart-priming\",\"events\":\"none\"}", 400,
                        "batch refused at validation"),
                PrimingRequest.get("/v1/events", 401, "own events: token check"),
                PrimingRequest.get("/v1/analytics/ctr?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", 401,
                        "analytics: token check"),
                PrimingRequest.send("POST", "/v1/events", "{\"anonymousId\":\"snapstart-priming\",\"events\":\"none\"}", 400,
                        "signed-in batch refused at validation").signedInAs(Principal.USER),
                PrimingRequest.get("/v1/events", 200, "own events signed in: PostgreSQL under row-level security")
                        .signedInAs(Principal.USER),
                PrimingRequest.get("/v1/analytics/ctr?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", 200,
                        "analytics as an admin: PostgreSQL read").signedInAs(Principal.ADMIN));
    }
}
