package io.paddock.auth;

import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.ratelimit.RateLimitProblems;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
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
        return RateLimitProblems.tooManyRequests(e.getMessage(), POLICY, e.retryAfterSeconds, headers, uri);
    }
}
