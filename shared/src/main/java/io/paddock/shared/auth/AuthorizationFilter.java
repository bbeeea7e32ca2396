package io.paddock.shared.auth;

import io.paddock.shared.http.Problem;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
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
 *
 * <p>An API key is judged here for every route, declared or not (one place, so a new route cannot forget it): a
 * key that is not valid is a 401 ({@code WWW-Authenticate: ApiKey error="invalid_key"}); a route that needs a user
 * ({@link SignedIn}, {@link AdminOnly}) is a 403 for any key; GET and HEAD need {@link ApiKeyScope#READ}; a mutation
 * needs the scope its route declares with {@link AcceptsApiKey}, and one that declares none is a 403 for every key.
 * Both 403s are {@code …/problems/insufficient-scope} problems.
 */
public class AuthorizationFilter {

    /** After the limiter (default {@link Priorities#USER}), before {@code IdempotencyFilter} ({@code USER + 100}). */
    public static final int PRIORITY = Priorities.USER + 50;

    private final Caller caller;

    public AuthorizationFilter(Caller caller) {
        this.caller = caller;
    }

    @ServerRequestFilter(priority = PRIORITY)
    public void authorize(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return;
        }
        if (caller.presentsApiKey()) {
            Integration key = caller.integration().orElseThrow();
            judgeKey(key, method, request.getMethod());
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

    private static void judgeKey(Integration key, Method method, String httpMethod) {
        if (method.isAnnotationPresent(AdminOnly.class) || method.isAnnotationPresent(SignedIn.class)) {
            throw insufficientScope(Caller.NEEDS_A_USER, false);
        }
        if ("GET".equals(httpMethod) || "HEAD".equals(httpMethod)) {
            if (!key.may(ApiKeyScope.READ)) {
                throw insufficientScope("This API key has no read scope", true);
            }
            return;
        }
        AcceptsApiKey accepts = method.getAnnotation(AcceptsApiKey.class);
        if (accepts == null) {
            throw insufficientScope("No API key may call this route: it needs a user's access token (Bearer)", false);
        }
        if (!key.may(accepts.value())) {
            throw insufficientScope("This route needs an API key with the " + accepts.value().code() + " scope", true);
        }
    }

    /**
     * {@code challenge}: where the route takes a key and this one lacks the scope, the answer says so as RFC 6750
     * §3.1 does for bearer tokens ({@code ApiKey error="insufficient_scope"}); where no key may call the route at
     * all, no key would do, so there is nothing to challenge for.
     */
    static WebApplicationException insufficientScope(String detail, boolean challenge) {
        Problem problem = Problem.of(403, "insufficient-scope", "Forbidden", detail, null, null);
        Response.ResponseBuilder refused = Response.status(403).entity(problem).type(Problem.MEDIA_TYPE);
        if (challenge) {
            refused.header(HttpHeaders.WWW_AUTHENTICATE, IssuedApiKeys.SCHEME + " error=\"insufficient_scope\"");
        }
        return new WebApplicationException(detail, refused.build());
    }
}
