package io.paddock.auth;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** POST /v1/auth/refresh and the body of POST /v1/auth/logout: one refresh token. */
@Schema(name = "RefreshRequest")
public record RefreshRequest(
        @Schema(required = true, description = "The opaque refresh token of the last login or refresh",
                pattern = RefreshTokens.TOKEN_PATTERN)
        @NotNull(message = "is required")
        @Pattern(regexp = RefreshTokens.TOKEN_PATTERN, message = "is not a refresh token")
        String refreshToken) {

    @Override
    public String toString() {
        return "RefreshRequest[]";
    }
}
