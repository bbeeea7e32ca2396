package io.paddock.ratelimit;

import io.paddock.shared.auth.Principal;
import io.paddock.shared.snapshot.PrimingRequest;
import io.paddock.shared.snapshot.PrimingRequests;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The ratelimit function's SnapStart priming: health (a round trip to PostgreSQL, Redis and DynamoDB), the
 * caller's standing (a Redis read), anonymous and signed in as the user no one is, an admin route without a
 * token (401) and as an admin with a body it refuses (400), the audit trail read as an admin (a PostgreSQL read
 * that finds the user no one is never acted); also the $default route's 404 for a path no one serves.
 */
@ApplicationScoped
class RateLimitPriming implements PrimingRequests {

    @Override
    public List<PrimingRequest> requests() {
        return List.of(
                PrimingRequest.get("/v1/health", 200, "health: every store"),
                PrimingRequest.get("/v1/rate-limits", 200, "standing: Redis read"),
                PrimingRequest.send("PUT", "/v1/admin/rate-limits/overrides/00000000-0000-7000-8000-000000000000", "{}", 401,
                        "admin route refused before its body"),
                PrimingRequest.get("/v1/rate-limits", 200, "standing signed in: token check, user windows")
                        .signedInAs(Principal.USER),
                PrimingRequest.send("PUT", "/v1/admin/rate-limits/overrides/00000000-0000-7000-8000-000000000000", "{\"tier\":7}",
                        400, "override refused at validation").signedInAs(Principal.ADMIN),
                PrimingRequest.get("/v1/admin/audit?actor=00000000-0000-7000-8000-000000000000", 200,
                        "audit trail: PostgreSQL read").signedInAs(Principal.ADMIN),
                PrimingRequest.get("/v1/snapstart-priming", 404, "$default: no such route"));
    }
}
