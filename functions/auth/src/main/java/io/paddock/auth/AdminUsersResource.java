package io.paddock.auth;

import io.paddock.shared.auth.AdminOnly;
import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.Principal;
import io.paddock.shared.http.QueryParams;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin control of accounts: deletion of another user's account, with the same effects as the user's own. */
@Path("/v1/admin/users")
@Tag(name = "Auth")
@SecurityRequirement(name = "bearer")
public class AdminUsersResource {

    private final Caller caller;
    private final AccountDeletion deletion;

    public AdminUsersResource(Caller caller, AccountDeletion deletion) {
        this.caller = caller;
        this.deletion = deletion;
    }

    /**
     * An unknown id is a 204 like an account already deleted: "as DELETE /v1/auth/me", whose repeat is a 204, and
     * once a deleted account's reservation ends its id is unknown too — a 404 then would turn a repeat into an
     * error a month later. The admin's own account is refused (403): this route asks for no recent sign-in, and
     * deleting oneself through it would skip the one DELETE /v1/auth/me demands.
     */
    @DELETE
    @Path("/{userId}")
    @RateLimited(Category.ADMIN)
    @AdminOnly
    @Operation(operationId = "deleteUser", summary = "Delete a user's account",
            description = "Admin. The same effects as DELETE /v1/auth/me for that account: its data removed or "
                    + "anonymised, every token refused, e-mail address and handle reserved for 30 days. An unknown or "
                    + "already deleted id is a 204 too (repeated: 204). An admin's own id is a 403: use "
                    + "DELETE /v1/auth/me, which asks for a recent sign-in.")
    @APIResponse(responseCode = "204", description = "The account is deleted (or there was none)")
    @APIResponse(responseCode = "403", description = "The caller is not an admin, or names their own account")
    public Response deleteUser(@PathParam("userId") String userIdText) throws SQLException {
        UUID userId = QueryParams.uuid("userId", userIdText);
        Principal admin = caller.principal();
        if (admin.userId().equals(userId)) {
            throw new ForbiddenException("Delete your own account with DELETE /v1/auth/me (it asks for a recent sign-in)");
        }
        deletion.delete(userId, admin.userId(), Optional.empty());
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
