package io.paddock.shared.http;

import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The step "body read" of a route, for a body {@link HttpConventions} refused before any route ran (415: not
 * JSON; 413: over the size limit). The HTTP layer decides — it sees the bytes as they arrive — but when a
 * route answers the request it leaves the refusal here instead of answering, so the route's earlier steps
 * run first, as on every route: the limit step (the refused request is counted and its answer carries the
 * rate-limit headers, like a 400) and authorization (an anonymous request to a protected route is a 401
 * whatever its body). Runs after {@code AuthorizationFilter} and before {@code IdempotencyFilter}, which
 * reads the body; Quarkus REST reads it only after the request filters, so a refused body is never read.
 */
public class BodyRefusals {

    /** After authorization ({@code Priorities.USER + 50}), before idempotency ({@code USER + 100}). */
    public static final int PRIORITY = Priorities.USER + 75;

    private static final String KEY = "paddock.body-refusal";

    /** Hands the refusal on to the route: called by the HTTP layer instead of answering it. */
    static void leaveToTheRoute(RoutingContext rc, Problem refusal) {
        rc.put(KEY, refusal);
        rc.next();
    }

    @ServerRequestFilter(priority = PRIORITY)
    public void refuse(RoutingContext rc) {
        Problem refusal = rc.get(KEY);
        if (refusal != null) {
            throw new WebApplicationException(refusal.detail(),
                    Response.status(refusal.status()).entity(refusal).type(Problem.MEDIA_TYPE).build());
        }
    }
}
