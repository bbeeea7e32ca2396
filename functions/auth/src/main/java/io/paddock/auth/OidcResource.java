package io.paddock.auth;

import io.paddock.shared.http.Problem;
import io.paddock.shared.http.ServiceUnavailable;
import io.paddock.shared.idempotency.AnswerNeverKept;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.validation.RequestBodies;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Sign in with Apple or Google: a session route like login (category auth, by address; strict JSON; its answer
 * carries credentials, so it is never kept for Idempotency-Key replays). The work is {@link OidcSignIn}'s.
 */
@Path("/v1/auth/oidc")
@Tag(name = "Auth")
public class OidcResource {

    private final OidcSignIn signIn;

    public OidcResource(OidcSignIn signIn) {
        this.signIn = signIn;
    }

    @POST
    @Path("/{provider}")
    @AnswerNeverKept
    @RateLimited(Category.AUTH)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    @Operation(operationId = "signInWithProvider", summary = "Sign in with an Apple or Google ID token",
            description = "The ID token's signature (RS256, a key the provider publishes), issuer, audience (one of "
                    + "this app's client ids for the provider), expiry, issue time, subject and nonce are checked; each "
                    + "ID token (each nonce) signs in once. A returning user signs into their account (200); on the "
                    + "first sign-in the account with the token's e-mail address is linked when the provider says the "
                    + "address is verified (200), else a new account is made with that address (201). The access "
                    + "token counts as a recent sign-in. README: Sign in with Apple / Google.")
    @APIResponse(responseCode = "200", description = "Signed into an existing account",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionDocument.class)))
    @APIResponse(responseCode = "201", description = "A new account and its first session",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionDocument.class)))
    @APIResponse(responseCode = "401", description = "The ID token or nonce is refused; the detail says what failed "
            + "(signature, unknown key, algorithm, issuer, audience, expired, nonce mismatch, nonce already used)")
    @APIResponse(responseCode = "404", description = "Not a provider this deployment signs in with (apple and google, each "
            + "only when client ids are configured)")
    @APIResponse(responseCode = "409", description = "An account has the token's e-mail address but the provider does "
            + "not say it is verified (sign in with the password first), or the address is reserved by a deleted account")
    @APIResponse(responseCode = "422", description = "A first sign-in whose token carries no verified e-mail address")
    @APIResponse(responseCode = "503", description = "The provider's signing keys could not be fetched and none are held, "
            + "or a store the route needs is unavailable: retry after Retry-After seconds")
    public Response signIn(
            @Parameter(in = ParameterIn.PATH, required = true, schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"apple", "google"}))
            @PathParam("provider") String provider,
            @RequestBody(required = true) OidcRequest body) throws SQLException {
        if (!signIn.enabled(provider)) {
            throw notEnabled(provider);
        }
        RequestBodies.valid(body);
        try {
            OidcSignIn.Outcome outcome = signIn.signIn(provider, body.idToken(), body.nonce());
            return Response.status(outcome.created() ? 201 : 200).entity(outcome.session())
                    .header(HttpHeaders.CACHE_CONTROL, AuthResource.NO_STORE).build();
        } catch (OidcSignIn.NotEnabled e) {
            throw notEnabled(provider);
        } catch (IdTokenVerifier.Refused refused) {
            throw new WebApplicationException(refused.getMessage(), 401);
        } catch (OidcSignIn.AccountRefused refused) {
            throw problem(refused.status, refused.getMessage());
        } catch (ProviderKeys.Unreachable unreachable) {
            throw new ServiceUnavailable(provider + "'s signing keys could not be fetched", unreachable);
        }
    }

    private static WebApplicationException notEnabled(String provider) {
        return problem(404, "Sign-in with " + (OidcProvider.byId(provider).isPresent() ? provider + " is not enabled here"
                : "this provider is not offered: use apple or google"));
    }

    private static WebApplicationException problem(int status, String detail) {
        String title = switch (status) {
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            default -> "Unprocessable Content";
        };
        Problem problem = Problem.of(status, Problem.slug(status), title, detail, null, null);
        return new WebApplicationException(detail, Response.status(status).entity(problem).type(Problem.MEDIA_TYPE).build());
    }
}
