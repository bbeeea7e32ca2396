package io.paddock.shared.auth;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.reflect.Method;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The authorization step of every route that declares {@link SignedIn} or {@link AdminOnly}, the same order
 * on every route: limit ({@code RateLimitFilter}, {@link Priorities#USER}) → authorize (here) → a body the
 * HTTP layer refused, 415 or 413 ({@code BodyRefusals}, {@code USER + 75}) → idempotency ({@code USER + 100})
 * → read and validate the body → the resource. Judging the caller before the body
 * means a malformed anonymous request to a protected route is a 401, not a 400 that tells a stranger what
 * the route expects; running after the limit step means that 401 is still counted (by client address) and
 * carries the rate-limit headers. Routes with an optional bearer ({@code POST /v1/events}) declare
 * neither and read {@link Caller#optional()} themselves. {@link RecentSignIn} (beside {@code @SignedIn}) is judged
 * here too, so its 401 is never kept for an {@code Idempotency-Key} replay.
 */
public class AuthorizationFilter {

    /** After the limiter (default {@link Priorities#USER}), before {@code IdempotencyFilter} ({@code USER + 100}). */
    public static final int PRIORITY = Priorities.USER + 50;

    private final Caller caller;

    public AuthorizationFilter(Caller caller) {
        this.caller = caller;
    }

    @ServerRequestFilter(priority = PRIORITY)
    public void authorize(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return;
        }
        if (method.isAnnotationPresent(AdminOnly.class)) {
            caller.requireRole(Principal.ADMIN);
        } else if (method.isAnnotationPresent(SignedIn.class)) {
            caller.require();
        }
        if (method.isAnnotationPresent(RecentSignIn.class)) {
            caller.requireRecentSignIn();
        }
    }
}
