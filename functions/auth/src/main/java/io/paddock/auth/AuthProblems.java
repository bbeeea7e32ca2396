package io.paddock.auth;

import io.paddock.shared.http.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The auth routes' own failures as problem+json: 429 quota-exceeded with {@code violated-policies} and
 * {@code Retry-After} (the shared {@link Problem} has no field for the policies yet), and 503 when a
 * store is unreachable, with Retry-After and nothing about the store; and problems a route shaped itself
 * (409 naming the taken fields), completed with {@code instance} and {@code requestId}.
 */
public class AuthProblems {

    private static final Logger LOG = Logger.getLogger(AuthProblems.class);
    static final int UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response quotaExceeded(RequestLimits.QuotaExceeded e, HttpHeaders headers, UriInfo uri) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", Problem.TYPE_BASE + "quota-exceeded");
        body.put("title", "Too Many Requests");
        body.put("status", 429);
        body.put("detail", e.getMessage());
        body.put("instance", uri.getPath());
        body.put("requestId", headers.getHeaderString("X-Request-Id"));
        body.put("violated-policies", List.of(e.policy));
        return Response.status(429).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds))
                .entity(body).build();
    }

    @ServerExceptionMapper
    public Response shaped(Problems.Shaped e, HttpHeaders headers, UriInfo uri) {
        Problem p = e.problem;
        return Response.status(p.status()).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(new Problem(p.type(), p.title(), p.status(), p.detail(), uri.getPath(),
                        headers.getHeaderString("X-Request-Id"), p.errors()))
                .build();
    }

    @ServerExceptionMapper
    public Response unavailable(RequestLimits.Unavailable e, HttpHeaders headers, UriInfo uri) {
        LOG.errorf("%s on %s: %s", e.getMessage(), uri.getPath(),
                e.getCause() == null ? "" : e.getCause().getClass().getName() + ": " + e.getCause().getMessage());
        Problem problem = Problem.of(503, "service-unavailable", "Service Unavailable",
                "The request cannot be served right now; retry after " + UNAVAILABLE_RETRY_AFTER_SECONDS + " s",
                uri.getPath(), headers.getHeaderString("X-Request-Id"));
        return Response.status(503).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(UNAVAILABLE_RETRY_AFTER_SECONDS))
                .entity(problem).build();
    }
}
