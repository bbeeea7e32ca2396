package io.paddock.auth;

import io.paddock.shared.http.Problem;
import io.paddock.shared.http.RequestIds;
import io.paddock.shared.observability.RequestRecords;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The login back-off's 429: the contract's over-the-limit problem ({@code …/quota-exceeded}) naming the
 * {@value #POLICY} policy, with {@code Retry-After} the back-off's real remaining delay. It writes no
 * rate-limit headers of its own: a back-off has no quota or window to describe, so any
 * {@code RateLimit-Policy} for it would be made up. The response still carries the {@code auth}
 * category's headers, written by the shared rate-limit filter from the request's real standing in that
 * category (the request was counted there).
 */
public class LoginBackoffProblems {

    /** The name in {@code violated-policies}; not a rate-limit category, so never in a {@code RateLimit-Policy}. */
    static final String POLICY = "login-backoff";

    @ServerExceptionMapper
    public Response backingOff(LoginBackingOff e, HttpHeaders headers, UriInfo uri) {
        // The RateLimited metric counts the login back-off's 429s as well as the limiter's.
        RequestRecords.current().rateLimited();
        // A map, not Problem: the contract's violated-policies member is not one of Problem's fields.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", Problem.TYPE_BASE + "quota-exceeded");
        body.put("title", "Too Many Requests");
        body.put("status", 429);
        body.put("detail", e.getMessage());
        body.put("instance", uri.getPath());
        body.put("requestId", headers.getHeaderString(RequestIds.HEADER));
        body.put("violated-policies", List.of(POLICY));
        return Response.status(429).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds))
                .entity(body).build();
    }
}
