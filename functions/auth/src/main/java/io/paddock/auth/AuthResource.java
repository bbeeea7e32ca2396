package io.paddock.auth;

import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.Principal;
import io.paddock.shared.auth.RecentSignIn;
import io.paddock.shared.auth.SignedIn;
import io.paddock.shared.http.EntityTags;
import io.paddock.shared.idempotency.AnswerNeverKept;
import io.paddock.shared.idempotency.ReplayedAfterRevocation;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.validation.RequestBodies;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The contract's Auth routes. Before a method runs, the request is limited ({@link RateLimited}), its caller
 * judged where the route needs one ({@link SignedIn}) — both before the body is read — and the body parsed
 * and validated (strict JSON, Bean Validation); the method then reads parse → do (plain classes) → respond.
 * Store failures pass through to the one 503 mapper. Mutations are {@code no-store}; the session routes' answers
 * carry credentials, so they are never kept for {@code Idempotency-Key} replays ({@link AnswerNeverKept} on each).
 * Account deletion is the exception: a mutation like any other, whose 204 is kept and replayed.
 */
@Path("/v1/auth")
@Tag(name = "Auth")
public class AuthResource {

    static final String NO_STORE = "no-store";

    private final Caller caller;
    private final Registration registration;
    private final PasswordLogin passwordLogin;
    private final RefreshTokens refreshTokens;
    private final Accounts accounts;
    private final AccessTokens accessTokens;
    private final JwksSettings jwks;
    private final AccountDeletion deletion;
    private final AccountExport export;

    public AuthResource(Caller caller, Registration registration, PasswordLogin passwordLogin,
            RefreshTokens refreshTokens, Accounts accounts, AccessTokens accessTokens, JwksSettings jwks,
            AccountDeletion deletion, AccountExport export) {
        this.caller = caller;
        this.registration = registration;
        this.passwordLogin = passwordLogin;
        this.refreshTokens = refreshTokens;
        this.accounts = accounts;
        this.accessTokens = accessTokens;
        this.jwks = jwks;
        this.deletion = deletion;
        this.export = export;
    }

    @POST
    @Path("/register")
    @AnswerNeverKept
    @RateLimited(Category.AUTH)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    @Operation(operationId = "register", summary = "Create an account and log it in",
            description = "Password: 8 to 128 characters, any characters, not one of the 1,000 most common. "
                    + "Handle: ^[a-z0-9_]{3,30}$. A taken e-mail address or handle is a 409 naming the field.")
    @APIResponse(responseCode = "201", description = "The account and its first session",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionDocument.class)))
    @APIResponse(responseCode = "409", description = "The e-mail address or handle is taken (errors[] names the field)")
    public Response register(@RequestBody(required = true) RegisterRequest body) throws SQLException {
        RequestBodies.valid(body);
        try {
            return Response.status(201).entity(registration.register(body)).header(HttpHeaders.CACHE_CONTROL, NO_STORE)
                    .build();
        } catch (Accounts.Taken taken) {
            throw Problems.conflict(taken.fields);
        }
    }

    @POST
    @Path("/login")
    @AnswerNeverKept
    @RateLimited(Category.AUTH)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    @Operation(operationId = "login", summary = "Log in with e-mail address and password",
            description = "A wrong address and a wrong password get the same 401. Limited per client address "
                    + "(auth category) and per account and address together: after 5 consecutive failures for "
                    + "an account from one address, that address backs off 1, 2, 4 … 300 s (429); other "
                    + "addresses are not held back. After 20 failures for an account from all addresses "
                    + "together, every address backs off from its own first failure.")
    @APIResponse(responseCode = "200", description = "A new session",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionDocument.class)))
    @APIResponse(responseCode = "401", description = "Wrong e-mail address or password (one generic problem for both)")
    public Response login(@RequestBody(required = true) LoginRequest body) throws SQLException {
        RequestBodies.valid(body);
        try {
            return Response.ok(passwordLogin.login(body, caller.clientIp())).header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
        } catch (PasswordLogin.Refused refused) {
            throw new WebApplicationException(Problems.WRONG_CREDENTIALS, 401);
        }
    }

    @POST
    @Path("/refresh")
    @AnswerNeverKept
    @RateLimited(Category.AUTH)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    @Operation(operationId = "refreshSession", summary = "Exchange a refresh token for a new pair",
            description = "The presented token is spent. Presented again within the grace period (10 s) it gets "
                    + "the same new pair back; any other reuse of a spent token is a 401 and revokes the whole token "
                    + "family, together with every access token issued from it. A token whose secret does not match "
                    + "one the family issued is a plain 401 and revokes nothing.")
    @APIResponse(responseCode = "200", description = "The new pair",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenPair.class)))
    @APIResponse(responseCode = "401", description = "Not a refresh token the family can spend: unknown, expired, revoked, or a spent one reused (which revokes the family)")
    public Response refresh(@RequestBody(required = true) RefreshRequest body) throws SQLException {
        RequestBodies.valid(body);
        try {
            return Response.ok(refreshTokens.rotate(body.refreshToken())).header(HttpHeaders.CACHE_CONTROL, NO_STORE)
                    .build();
        } catch (RefreshTokens.Refused refused) {
            throw new WebApplicationException(Problems.REFRESH_REFUSED, 401);
        }
    }

    @POST
    @Path("/logout")
    @AnswerNeverKept
    @RateLimited(Category.AUTH)
    @SignedIn
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    @SecurityRequirement(name = "bearer")
    @Operation(operationId = "logout", summary = "End the session",
            description = "Revokes the refresh token's family (when it is the caller's) with every access token "
                    + "issued from it, and the bearer access token.")
    @APIResponse(responseCode = "204", description = "Logged out")
    public Response logout(@RequestBody(required = true) RefreshRequest body) {
        RequestBodies.valid(body);
        Principal principal = caller.principal();
        // DynamoDB or the Redis denylist not taking it is a 503 (mapped): the client must not believe it is logged out.
        refreshTokens.close(body.refreshToken(), principal.userId());
        accessTokens.revoke(principal);
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
    }

    @GET
    @Path("/me")
    @RateLimited(Category.READ)
    @SignedIn
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "bearer")
    @Operation(operationId = "getMe", summary = "The caller's account", description = "Category read. Personal: private, no-cache.")
    @APIResponse(responseCode = "200", description = "The account of the bearer token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MeDocument.class)))
    public Response me() throws SQLException {
        Accounts.Account account = accounts.findById(caller.principal().userId()).orElseThrow(Problems::accountGone);
        return Response.ok(new MeDocument(UserDocument.of(account)))
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .header(HttpHeaders.VARY, HttpHeaders.AUTHORIZATION)
                .build();
    }

    /**
     * Category mutation, not auth: it signs nobody in (the auth category is the per-address brake on credential
     * guessing, v1.1), it needs a token of a recent sign-in that already passed that brake, and what it changes
     * is the caller's own data, counted against the caller like every other keyed mutation.
     */
    @DELETE
    @Path("/me")
    @RateLimited(Category.MUTATION)
    @SignedIn
    @RecentSignIn
    @ReplayedAfterRevocation
    @SecurityRequirement(name = "bearer")
    @Operation(operationId = "deleteMe", summary = "Delete the caller's account",
            description = "Needs an access token from a sign-in (login, registration or Apple/Google sign-in, not a "
                    + "refresh) within the last 5 minutes (its auth_time claim); an older one is a 401 with WWW-Authenticate: Bearer "
                    + "error=\"insufficient_user_authentication\" and max_age (RFC 9470). Removes or anonymises the "
                    + "account's data (README: what deletion removes), revokes every refresh-token family and every "
                    + "access token of the account, and keeps the e-mail address and handle reserved for 30 days. "
                    + "Repeated: 204 — a retry with the same Idempotency-Key gets the kept 204 even though its token is "
                    + "now refused; a deletion cut short by a 503 is finished by calling again with the same token.")
    @APIResponse(responseCode = "204", description = "The account is deleted")
    @APIResponse(responseCode = "401", description = "No valid access token (missing, malformed, expired or revoked: "
            + "Bearer error=\"invalid_token\"), or a valid one whose sign-in is older than 5 minutes (Bearer "
            + "error=\"insufficient_user_authentication\", max_age=300): log in again")
    public Response deleteMe() throws SQLException {
        Principal principal = caller.principal();
        deletion.delete(principal.userId(), principal.userId(), Optional.of(principal));
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
    }

    @GET
    @Path("/me/export")
    @RateLimited(Category.READ)
    @SignedIn
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "bearer")
    @Operation(operationId = "exportMe", summary = "Everything stored about the caller",
            description = "Category read. The profile (no password hash), posts (deleted ones too, with their targets), "
                    + "follows of users and entities, blocks, actions (like, save, hide, report), entities created, "
                    + "linked Apple and Google sign-ins and usage events as stored, from one snapshot. private, "
                    + "no-store; written whole before it is sent, so it carries a strong ETag (304 for a matching "
                    + "If-None-Match) and a Content-Length, and a store failure is a 503, never a document cut short.")
    @APIResponse(responseCode = "200", description = "The export",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ExportDocument.class)))
    public Response exportMe(@Context HttpHeaders headers) throws SQLException, IOException {
        UUID userId = caller.principal().userId();
        AccountExport.Spooled spooled;
        try {
            spooled = export.spooled(userId);
        } catch (AccountExport.NoAccount gone) {
            throw Problems.accountGone();
        }
        Response.ResponseBuilder answer;
        if (EntityTags.matches(headers.getHeaderString(HttpHeaders.IF_NONE_MATCH), spooled.etag())) {
            spooled.close();
            answer = Response.notModified();
        } else {
            answer = Response.ok(spooled.body(), MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.CONTENT_LENGTH, spooled.length());
        }
        return answer.header(HttpHeaders.ETAG, spooled.etag())
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store")
                .header(HttpHeaders.VARY, HttpHeaders.AUTHORIZATION)
                .build();
    }

    @GET
    @Path("/jwks.json")
    @RateLimited(Category.AUTH)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getJwks", summary = "The public keys that verify access tokens",
            description = "JWK set of the current and the previous signing key (by kid). Publicly cacheable.")
    @APIResponse(responseCode = "200", description = "JWK set (RFC 7517)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Map.class)))
    public Response jwks() {
        return Response.ok(accessTokens.publicJwks()).header(HttpHeaders.CACHE_CONTROL, jwks.cacheControl()).build();
    }
}
