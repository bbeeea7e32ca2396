package io.paddock.auth;

import io.paddock.shared.auth.Handles;
import io.paddock.shared.validation.CheckedAsAWhole;
import io.paddock.shared.validation.Constraints;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** POST /v1/auth/register. Field rules: {@link AccountRules}; every broken field is reported at once. */
@Schema(name = "RegisterRequest")
public record RegisterRequest(
        @Schema(required = true, maxLength = AccountRules.EMAIL_MAX, example = "ada@example.com")
        @NotNull(message = "is required") String email,
        @Schema(required = true, minLength = AccountRules.PASSWORD_MIN, maxLength = AccountRules.PASSWORD_MAX,
                description = "8 to 128 characters, any characters; not one of the 1,000 most common passwords")
        @NotNull(message = "is required") String password,
        @Schema(required = true, pattern = Handles.PATTERN, example = "ada")
        @NotNull(message = "is required") String handle,
        @Schema(maxLength = AccountRules.DISPLAY_NAME_MAX, example = "Ada Lovelace")
        String displayName) implements CheckedAsAWhole {

    @Override
    public List<Constraints.Violation> problems() {
        return AccountRules.registrationProblems(email, password, handle, displayName).stream()
                .map(e -> new Constraints.Violation(e.field(), e.message()))
                .toList();
    }

    @Override
    public String toString() {
        return "RegisterRequest[handle=" + handle + "]"; // never the password (or the address) in a log line
    }
}
