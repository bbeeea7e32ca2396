package io.paddock.shared.auth;

import java.util.Set;
import java.util.UUID;

/**
 * Who is calling when the request carries a valid API key ({@code Authorization: ApiKey <key>}): an integration,
 * not a user — it has no user id and no role, only the key's id (what logs, limits and audit rows name) and the
 * scopes an admin gave it.
 */
public record Integration(UUID keyId, Set<ApiKeyScope> scopes) {

    public Integration {
        scopes = Set.copyOf(scopes);
    }

    public boolean may(ApiKeyScope scope) {
        return scopes.contains(scope);
    }
}
