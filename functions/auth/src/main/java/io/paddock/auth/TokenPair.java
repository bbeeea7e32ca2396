package io.paddock.auth;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An access token and the refresh token that renews it: the body of POST /v1/auth/refresh. */
@Schema(name = "TokenPair")
public record TokenPair(
        @Schema(description = "RS256 JWT for Authorization: Bearer; its fid claim names the refresh-token "
                + "family it was issued from, and revoking the family refuses it") String accessToken,
        @Schema(description = "Opaque; spent by its next refresh") String refreshToken,
        @Schema(description = "Seconds until the access token expires") long expiresIn) {

    @Override
    public String toString() {
        return "TokenPair[expiresIn=" + expiresIn + "]";
    }
}
