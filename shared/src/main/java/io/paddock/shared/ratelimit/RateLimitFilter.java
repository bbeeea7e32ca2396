package io.paddock.shared.ratelimit;

import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.Integration;
import io.paddock.shared.auth.Principal;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The limit step of every route that declares {@link RateLimited}: it runs after the route is matched
 * and before the body is read, counts the request against the caller (user, else API key, else client address; always
 * the address for a {@link Category#keyedByAddress()} category such as {@code auth}), and
 * puts the contract's headers on the response — whatever its status, 400 and 401 included. It runs at the
 * default priority ({@code Priorities.USER}), before {@code AuthorizationFilter}: a request refused for its
 * caller is still counted. A response that
 * shared caches may store ({@code Cache-Control: public}) gets {@code RateLimit-Policy} only, never the
 * caller's own {@code RateLimit} or {@code X-RateLimit-*} values (contract v1.1): a CDN would replay them to
 * everyone. Callers read their standing from {@code GET /v1/rate-limits}.
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
        RateLimiter.Subject subject = declared.value().keyedByAddress()
                ? limiter.subject(Optional.empty(), caller.clientIp()) : subject();
        current.set(subject, null);
        limiter.admit(subject, declared.value(), declared.counted()).ifPresent(s -> current.set(subject, s));
    }

    /** The user, else the API key, else the client address. */
    private RateLimiter.Subject subject() {
        try {
            Optional<Principal> user = caller.optional();
            Optional<Integration> key = caller.integration();
            return key.isPresent() ? limiter.subject(key.get(), caller.clientIp()) : limiter.subject(user, caller.clientIp());
        } catch (WebApplicationException invalidToken) {
            // Counted by address; AuthorizationFilter (next) or the route answers the 401.
            return limiter.subject(Optional.empty(), caller.clientIp());
        }
    }

    @ServerResponseFilter
    public void headers(ContainerResponseContext response) {
        Standing s = current.standing();
        if (s == null || response.getHeaders().containsKey("RateLimit")) {
            return;
        }
        if (sharedCacheable(response.getHeaderString(HttpHeaders.CACHE_CONTROL))) {
            // A shared cache would replay this caller's standing to everyone (contract v1.1): the policy only.
            writePolicy(s, response.getHeaders());
        } else {
            write(s, response.getHeaders());
        }
    }

    /** Whether a {@code Cache-Control} value lets shared caches (CDNs) store the response: {@code public} or {@code s-maxage}. */
    public static boolean sharedCacheable(String cacheControl) {
        if (cacheControl == null) {
            return false;
        }
        boolean shared = false;
        for (String directive : cacheControl.split(",")) {
            String name = directive.strip().toLowerCase(Locale.ROOT);
            int eq = name.indexOf('=');
            name = eq < 0 ? name : name.substring(0, eq).strip();
            switch (name) {
                case "private", "no-store" -> {
                    return false;
                }
                case "public", "s-maxage" -> shared = true;
                default -> {
                }
            }
        }
        return shared;
    }

    /** {@code RateLimit-Policy} alone: the category's quota and window, the same for every caller of the tier. */
    public static void writePolicy(Standing s, MultivaluedMap<String, Object> headers) {
        headers.putSingle("RateLimit-Policy", "\"" + s.policy() + "\";q=" + s.limit() + ";w=" + s.windowSeconds());
    }

    /** X-RateLimit-* and the IETF draft-10 fields: {@code RateLimit-Policy: "read";q=100;w=60}, {@code RateLimit: "read";r=57;t=23}. */
    public static void write(Standing s, MultivaluedMap<String, Object> headers) {
        headers.putSingle("X-RateLimit-Limit", Integer.toString(s.limit()));
        headers.putSingle("X-RateLimit-Remaining", Integer.toString(s.remaining()));
        headers.putSingle("X-RateLimit-Reset", Long.toString(s.resetSeconds()));
        writePolicy(s, headers);
        headers.putSingle("RateLimit", "\"" + s.policy() + "\";r=" + s.remaining() + ";t=" + s.resetSeconds());
    }
}
