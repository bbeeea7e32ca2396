package io.paddock.auth;

import io.paddock.shared.validation.CheckedAsAWhole;
import io.paddock.shared.validation.Constraints;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** POST /v1/admin/api-keys. Field rules: {@link ApiKeys#problems}; every broken field is reported at once. */
@Schema(name = "ApiKeyRequest")
public record ApiKeyRequest(
        @Schema(required = true, minLength = 1, maxLength = ApiKeys.NAME_MAX, example = "Partner dashboard",
                description = "What the key is for, 1 to 100 characters once trimmed; no control characters")
        @NotNull(message = "is required") String name,
        @Schema(required = true, minItems = 1, uniqueItems = true,
                description = "What the key may do: read (GET and HEAD of routes that need no user), telemetry:write "
                        + "(POST /v1/events); at least one, none twice")
        @NotNull(message = "is required") List<String> scopes)
        implements CheckedAsAWhole {

    @Override
    public List<Constraints.Violation> problems() {
        return ApiKeys.problems(name, scopes);
    }
}
