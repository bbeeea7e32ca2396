package io.paddock.auth;

import io.paddock.shared.http.Timestamps;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The contract's {@code user}: {id, email, handle, displayName, role, createdAt}. */
@Schema(name = "User")
public record UserDocument(
        @Schema(format = "uuid") String id,
        String email,
        String handle,
        @Schema(nullable = true) String displayName,
        @Schema(enumeration = {"user", "admin"}) String role,
        @Schema(format = "date-time", example = "2026-11-24T06:40:00.123Z") String createdAt) {

    static UserDocument of(Accounts.Account account) {
        return new UserDocument(account.id().toString(), account.email(), account.handle(), account.displayName(),
                account.role(), Timestamps.format(account.createdAt()));
    }
}
