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
import java.time.Duration;
import java.time.Instant;
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
    /** RFC 9470 §3: the token is fine, but its sign-in is older than the route accepts. */
    static final String STEP_UP_ERROR = "insufficient_user_authentication";

    private final CurrentVertxRequest current;
    private final AccessTokens tokens;
    private final int trustedHops;
    private final Duration recentSignIn;
    private Optional<Principal> principal;
    /** The principal of a genuine token that was refused as revoked, if that is why the request's token failed. */
    private Principal revoked;

    public Caller(CurrentVertxRequest current, AccessTokens tokens, PaddockConfig config) {
        this.current = current;
        this.tokens = tokens;
        this.trustedHops = config.http().trustedForwardedHops();
        this.recentSignIn = config.auth().recentSignIn();
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

    /**
     * {@link RecentSignIn}: the verified principal when its sign-in ({@code auth_time}) is at most
     * {@code paddock.auth.recent-sign-in} old; 401 without a valid token, and a 401 that asks for a fresh sign-in
     * (RFC 9470) when the token is valid but its sign-in older, or unknown (a token without {@code auth_time}).
     */
    public Principal requireRecentSignIn() {
        Principal p = require();
        if (!p.signedInWithin(recentSignIn, Instant.now())) {
            long maxAge = recentSignIn.toSeconds();
            throw new WebApplicationException("A sign-in within the last " + maxAge + " seconds is required: log in again",
                    Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"" + STEP_UP_ERROR
                            + "\", error_description=\"A more recent sign-in is required\", max_age=" + maxAge).build());
        }
        return p;
    }

    /**
     * The principal of the request's token when it was refused only because it is revoked (a genuine token: our
     * signature, not expired). Never an authorization: only for replaying an answer kept for this same caller.
     */
    public Optional<Principal> revokedPrincipal() {
        try {
            optional();
        } catch (WebApplicationException refused) {
            // Refused: revoked says whether it was for revocation alone.
        }
        return Optional.ofNullable(revoked);
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
        } catch (RevokedTokenException e) {
            revoked = e.principal();
            throw unauthenticated("The access token is invalid or expired");
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
