package io.paddock.shared.auth;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.http.ServiceUnavailable;
import io.paddock.shared.observability.RequestRecords;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The identity of the current request. A route declares who may call it ({@link SignedIn},
 * {@link AdminOnly}); {@link AuthorizationFilter} enforces that before the body is read, and the resource
 * reads the result with {@link #principal()}. Routes with an optional bearer read {@link #optional()}.
 * The token is verified once per request, on first use, so routes that need no identity pay nothing.
 *
 * <p>An API key ({@code Authorization: ApiKey <key>}, {@link IssuedApiKeys}) authenticates an {@link Integration},
 * not a user: {@link #optional()} is empty for it (so a route reading an optional bearer treats it as no user),
 * {@link #integration()} holds it, and {@link #require()} refuses it with a 403. What a key may call is judged by
 * {@link AuthorizationFilter}, for every route.
 */
@RequestScoped
public class Caller {

    static final String CHALLENGE = "Bearer error=\"invalid_token\"";
    /** The challenge of a refused API key (malformed, unknown or revoked), worded after RFC 6750's invalid_token. */
    static final String KEY_CHALLENGE = IssuedApiKeys.SCHEME + " error=\"invalid_key\"";
    /** RFC 9470 §3: the token is fine, but its sign-in is older than the route accepts. */
    static final String STEP_UP_ERROR = "insufficient_user_authentication";
    static final String NEEDS_A_USER = "This route needs a user's access token (Bearer); an API key cannot call it";

    private final CurrentVertxRequest current;
    private final AccessTokens tokens;
    private final IssuedApiKeys keys;
    private final int trustedHops;
    private final Duration recentSignIn;
    private Optional<Principal> principal;
    /** Why the request's credentials were refused, once they were: asked again, the same answer without a second check. */
    private WebApplicationException refusal;
    /** The principal of a genuine token that was refused as revoked, if that is why the request's token failed. */
    private Principal revoked;
    /** The integration of a valid API key, once {@link #optional()} verified one. */
    private Integration integration;

    public Caller(CurrentVertxRequest current, AccessTokens tokens, IssuedApiKeys keys, PaddockConfig config) {
        this.current = current;
        this.tokens = tokens;
        this.keys = keys;
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

    /** The verified principal; 401 when the request has no valid bearer token, 403 for a valid API key (not a user). */
    public Principal require() {
        Optional<Principal> user = optional();
        if (user.isEmpty() && integration != null) {
            throw new ForbiddenException(NEEDS_A_USER);
        }
        return user.orElseThrow(() -> unauthenticated("A bearer access token is required"));
    }

    /** Whether the request presents an API key at all (valid or not), without checking it. */
    public boolean presentsApiKey() {
        String authorization = request().getHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && isScheme(authorization, IssuedApiKeys.SCHEME);
    }

    /** The integration of the request's API key; empty without one, 401 for a key that is not valid. */
    public Optional<Integration> integration() {
        optional();
        return Optional.ofNullable(integration);
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

    /**
     * Empty without an Authorization header, and for a valid API key (an integration is no user: {@link #integration()});
     * a header that is present must hold a valid token or key (else 401).
     */
    public Optional<Principal> optional() {
        if (refusal != null) {
            throw refusal;
        }
        if (principal == null) {
            try {
                principal = authenticate(request().getHeader(HttpHeaders.AUTHORIZATION));
            } catch (WebApplicationException refused) {
                refusal = refused;
                throw refused;
            }
            principal.ifPresent(p -> RequestRecords.of(current.getCurrent()).userId(p.userId().toString()));
        }
        return principal;
    }

    private Optional<Principal> authenticate(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        if (isScheme(authorization, IssuedApiKeys.SCHEME)) {
            integration = verifyKey(authorization.substring(IssuedApiKeys.SCHEME.length()).trim());
            // The key by its id only: the secret never reaches a log line.
            RequestRecords.of(current.getCurrent()).apiKeyId(integration.keyId().toString());
            return Optional.empty();
        }
        if (!isScheme(authorization, "Bearer")) {
            throw unauthenticated("Use Authorization: Bearer <accessToken> or Authorization: ApiKey <key>");
        }
        try {
            return Optional.of(tokens.verify(authorization.substring("Bearer".length()).trim()));
        } catch (RevokedTokenException e) {
            revoked = e.principal();
            throw unauthenticated("The access token is invalid or expired");
        } catch (InvalidTokenException e) {
            throw unauthenticated("The access token is invalid or expired");
        }
    }

    private Integration verifyKey(String presented) {
        Optional<Integration> valid;
        try {
            valid = keys.verify(presented);
        } catch (SQLException e) {
            // Never let in unchecked: a key does not expire, so an outage must not turn a revoked one valid.
            throw new ServiceUnavailable("the API key could not be checked", e);
        }
        return valid.orElseThrow(() -> new WebApplicationException("The API key is invalid or revoked",
                Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, KEY_CHALLENGE).build()));
    }

    /** The scheme, case-insensitively, then a space or nothing (a scheme with its credentials missing is still that scheme's). */
    private static boolean isScheme(String authorization, String scheme) {
        return authorization.regionMatches(true, 0, scheme, 0, scheme.length())
                && (authorization.length() == scheme.length() || authorization.charAt(scheme.length()) == ' ');
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
