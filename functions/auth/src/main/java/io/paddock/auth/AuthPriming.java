package io.paddock.auth;

import io.paddock.shared.auth.Principal;
import io.paddock.shared.snapshot.PrimingRequest;
import io.paddock.shared.snapshot.PrimingRequests;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The auth function's SnapStart priming: the JWKS, a login and a registration refused at validation (400, no
 * account, no back-off counted), a refresh token of a family that does not exist (a DynamoDB read, 401,
 * nothing revoked) and {@code /me} without a token and signed in as the user no one is (401 both: no account).
 */
@ApplicationScoped
class AuthPriming implements PrimingRequests {

    /** Well-formed, of no family: the nil UUIDv7 and 32 zero bytes. */
    private static final String UNKNOWN_REFRESH_TOKEN = "00000000-0000-7000-8000-000000000000." + "A".repeat(43);

    @Override
    public List<PrimingRequest> requests() {
        return List.of(
                PrimingRequest.get("/v1/auth/jwks.json", 200, "JWKS"),
                PrimingRequest.send("POST", "/v1/auth/login", "{\"email\":\"priming@example.invalid\"}", 400,
                        "login refused at validation"),
                PrimingRequest.send("POST", "/v1/auth/register", "{}", 400, "registration refused at validation"),
                PrimingRequest.send("POST", "/v1/auth/refresh", "{\"refreshToken\":\"" + UNKNOWN_REFRESH_TOKEN + "\"}", 401,
                        "refresh of no family: DynamoDB read"),
                PrimingRequest.get("/v1/auth/me", 401, "token check"),
                PrimingRequest.get("/v1/auth/me", 401, "signed in: signature, revocation read, account read (no such account)")
                        .signedInAs(Principal.USER));
    }
}
