package io.paddock.auth;

import io.paddock.auth.AuthAttemptLimits.Standing;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The contract's rate-limit headers on every response of a limited auth route, errors included:
 * {@code X-RateLimit-Limit/-Remaining/-Reset} and the IETF draft-10 fields
 * {@code RateLimit-Policy: "auth";q=20;w=60} and {@code RateLimit: "auth";r=19;t=60}.
 * The route's limit step records the standing here; routes that record none get no headers.
 */
@RequestScoped
public class RateLimitHeaders {

    private Standing standing;

    void remember(Standing standing) {
        this.standing = standing;
    }

    Standing standing() {
        return standing;
    }

    /** Runs for mapped errors too (401, 409, 429 ...), so every answer says where the client stands. */
    public static class Filter {

        private final RateLimitHeaders current;

        public Filter(RateLimitHeaders current) {
            this.current = current;
        }

        @ServerResponseFilter
        public void addRateLimitHeaders(ContainerResponseContext response) {
            Standing s = current.standing();
            if (s != null) {
                write(s, response.getHeaders());
            }
        }
    }

    static void write(Standing s, MultivaluedMap<String, Object> headers) {
        headers.putSingle("X-RateLimit-Limit", Integer.toString(s.limit()));
        headers.putSingle("X-RateLimit-Remaining", Integer.toString(s.remaining()));
        headers.putSingle("X-RateLimit-Reset", Long.toString(s.resetSeconds()));
        headers.putSingle("RateLimit-Policy", "\"" + s.policy() + "\";q=" + s.limit() + ";w=" + s.windowSeconds());
        headers.putSingle("RateLimit", "\"" + s.policy() + "\";r=" + s.remaining() + ";t=" + s.resetSeconds());
    }
}
