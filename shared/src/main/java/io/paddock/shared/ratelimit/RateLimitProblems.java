package io.paddock.shared.ratelimit;

import io.paddock.shared.http.Problem;
import io.paddock.shared.http.RequestIds;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * 429 quota-exceeded with {@code violated-policies}, {@code Retry-After} (never earlier than the reset)
 * and the rate-limit headers. (503 when no store can count: {@link io.paddock.shared.http.ServiceUnavailable}.)
 */
public class RateLimitProblems {

    @ServerExceptionMapper
    public Response quotaExceeded(RateLimiter.QuotaExceeded e, HttpHeaders headers, UriInfo uri) {
        Response response = tooManyRequests(e.getMessage(), e.standing.policy(), e.retryAfterSeconds, headers, uri);
        RateLimitFilter.write(e.standing, response.getHeaders());
        return response;
    }

    /**
     * The contract's 429: a quota-exceeded problem naming the one policy that refused ({@code violated-policies},
     * not one of {@link Problem}'s fields, hence a map), with {@code Retry-After}; never stored by a cache. Also
     * the answer of refusals that are not the limiter's (auth's login back-off).
     */
    public static Response tooManyRequests(String detail, String policy, long retryAfterSeconds, HttpHeaders headers,
            UriInfo uri) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", Problem.TYPE_BASE + "quota-exceeded");
        body.put("title", "Too Many Requests");
        body.put("status", 429);
        body.put("detail", detail);
        body.put("instance", uri.getPath());
        body.put("requestId", headers.getHeaderString(RequestIds.HEADER));
        body.put("violated-policies", List.of(policy));
        return Response.status(429).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .entity(body).build();
    }
}
