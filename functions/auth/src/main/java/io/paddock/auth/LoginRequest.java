package io.paddock.auth;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * POST /v1/auth/login. Only presence and gross size are checked here: an address or password that
 * could never have been registered is answered like a wrong one (401), not with a hint.
 */
@Schema(name = "LoginRequest", example = "{\"email\": \"ada@example.com\", \"password\": \"paddock-demo-2026\"}")
public record LoginRequest(
        @Schema(required = true, example = "ada@example.com")
        @NotNull(message = "is required") @Size(max = 320, message = "is too long")
        String email,
        @Schema(required = true)
        @NotNull(message = "is required") @Size(max = 1024, message = "is too long")
        String password) {

    @Override
    public String toString() {
        return "LoginRequest[]";
    }
}
