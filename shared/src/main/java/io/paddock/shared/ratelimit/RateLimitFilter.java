package io.paddock.shared.ratelimit;

import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.Principal;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MultivaluedMap;
import java.lang.reflect.Method;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The limit step of every route that declares {@link RateLimited}: it runs after the route is matched
 * and before the body is read, counts the request against the caller (user, else client address; always
 * the address for a {@link Category#keyedByAddress()} category such as {@code auth}), and
 * puts the contract's headers on the response — whatever its status, 400 and 401 included.
 */
public class RateLimitFilter {

    private final RateLimiter limiter;
    private final Caller caller;
    private final CurrentStanding current;

    public RateLimitFilter(RateLimiter limiter, Caller caller, CurrentStanding current) {
        this.limiter = limiter;
        this.caller = caller;
        this.current = current;
    }

    @ServerRequestFilter
    public void limit(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        RateLimited declared = method == null ? null : method.getAnnotation(RateLimited.class);
        if (declared == null) {
            return;
        }
        // The token is not even looked at for address-keyed categories: a token there changes nothing.
        Optional<Principal> principal = declared.value().keyedByAddress() ? Optional.empty() : principal();
        RateLimiter.Subject subject = limiter.subject(principal, caller.clientIp());
        current.set(subject, null);
        limiter.admit(subject, declared.value(), declared.counted()).ifPresent(s -> current.set(subject, s));
    }

    private Optional<Principal> principal() {
        try {
            return caller.optional();
        } catch (WebApplicationException invalidToken) {
            // Counted by address; the route itself answers the 401.
            return Optional.empty();
        }
    }

    @ServerResponseFilter
    public void headers(ContainerResponseContext response) {
        Standing s = current.standing();
        if (s != null && !response.getHeaders().containsKey("RateLimit")) {
            write(s, response.getHeaders());
        }
    }

    /** X-RateLimit-* and the IETF draft-10 fields: {@code RateLimit-Policy: "read";q=100;w=60}, {@code RateLimit: "read";r=57;t=23}. */
    public static void write(Standing s, MultivaluedMap<String, Object> headers) {
        headers.putSingle("X-RateLimit-Limit", Integer.toString(s.limit()));
        headers.putSingle("X-RateLimit-Remaining", Integer.toString(s.remaining()));
        headers.putSingle("X-RateLimit-Reset", Long.toString(s.resetSeconds()));
        headers.putSingle("RateLimit-Policy", "\"" + s.policy() + "\";q=" + s.limit() + ";w=" + s.windowSeconds());
        headers.putSingle("RateLimit", "\"" + s.policy() + "\";r=" + s.remaining() + ";t=" + s.resetSeconds());
    }
}
