package io.paddock.shared.auth;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.observability.RequestRecords;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * The identity of the current request. A route declares who may call it ({@link SignedIn},
 * {@link AdminOnly}); {@link AuthorizationFilter} enforces that before the body is read, and the resource
 * reads the result with {@link #principal()}. Routes with an optional bearer read {@link #optional()}.
 * The token is verified once per request, on first use, so routes that need no identity pay nothing.
 */
@RequestScoped
public class Caller {

    static final String CHALLENGE = "Bearer error=\"invalid_token\"";

    private final CurrentVertxRequest current;
    private final AccessTokens tokens;
    private final int trustedHops;
    private Optional<Principal> principal;

    public Caller(CurrentVertxRequest current, AccessTokens tokens, PaddockConfig config) {
        this.current = current;
        this.tokens = tokens;
        this.trustedHops = config.http().trustedForwardedHops();
    }

    /**
     * The principal that the route's {@link SignedIn} or {@link AdminOnly} let in (verified once, by the
     * filter). On a route that declares neither it still answers 401 without a valid token, so a forgotten
     * declaration fails closed — but late, after the body: infra/local's {@code ProtectedRouteTest} holds every
     * protected route of the contract to its declaration.
     */
    public Principal principal() {
        return require();
    }

    /** The verified principal; 401 when the request has no valid bearer token. */
    public Principal require() {
        return optional().orElseThrow(() -> unauthenticated("A bearer access token is required"));
    }

    /** 401 without a valid token, 403 when the token's role is not enough (admin satisfies any role). */
    public Principal requireRole(String role) {
        Principal p = require();
        if (!p.hasRole(role)) {
            throw new ForbiddenException("This route needs the " + role + " role");
        }
        return p;
    }

    /** Empty without an Authorization header; a header that is present must hold a valid token (else 401). */
    public Optional<Principal> optional() {
        if (principal == null) {
            principal = authenticate(request().getHeader(HttpHeaders.AUTHORIZATION));
            principal.ifPresent(p -> RequestRecords.of(current.getCurrent()).userId(p.userId().toString()));
        }
        return principal;
    }

    private Optional<Principal> authenticate(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        if (authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthenticated("Use Authorization: Bearer <accessToken>");
        }
        try {
            return Optional.of(tokens.verify(authorization.substring(7).trim()));
        } catch (InvalidTokenException e) {
            throw unauthenticated("The access token is invalid or expired");
        }
    }

    /** The client's address by the contract's rule: see {@link ClientAddress}. */
    public String clientIp() {
        HttpServerRequest request = request();
        String source = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        return ClientAddress.resolve(source, request.headers().getAll("X-Forwarded-For"), trustedHops);
    }

    private HttpServerRequest request() {
        return current.getCurrent().request();
    }

    static WebApplicationException unauthenticated(String detail) {
        return new WebApplicationException(detail, Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build());
    }
}
