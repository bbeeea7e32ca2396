package io.paddock.auth;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * POST /v1/auth/oidc/{provider}: the provider's ID token and the nonce the app made for this sign-in. Only shape and
 * size are checked here; what the token says is {@link IdTokenVerifier}'s (401).
 */
@Schema(name = "OidcSignInRequest")
public record OidcRequest(
        @Schema(required = true, maxLength = OidcRequest.ID_TOKEN_MAX, pattern = OidcRequest.COMPACT_JWS,
                description = "The ID token the provider gave the app (a JWT in compact form)")
        @NotNull(message = "is required")
        @Size(max = ID_TOKEN_MAX, message = "is too long for an ID token")
        @Pattern(regexp = COMPACT_JWS, message = "is not a JWT in compact form")
        String idToken,
        @Schema(required = true, pattern = OidcRequest.NONCE,
                description = "The nonce of this sign-in, 16 to 128 printable ASCII characters, made afresh for each "
                        + "(at least 128 random bits). Apple: the raw nonce whose SHA-256 (lower-case hex) the app "
                        + "passed to Apple. Google: the nonce the app passed to Google, as passed.")
        @NotNull(message = "is required")
        @Pattern(regexp = NONCE, message = "must be 16 to 128 printable ASCII characters")
        String nonce) {

    /**
     * Apple's and Google's ID tokens are about 1 KB (a header, a dozen claims, a 2048-bit RSA signature); 8 KiB
     * leaves room for a 4096-bit key and more claims, and keeps a token-shaped body from costing much to parse.
     */
    static final int ID_TOKEN_MAX = 8192;
    /** header.payload.signature, base64url each; the signature may be empty so alg "none" is refused by name (401). */
    static final String COMPACT_JWS = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$";
    static final String NONCE = "^[!-~]{16,128}$";

    @Override
    public String toString() {
        return "OidcRequest[]";
    }
}
