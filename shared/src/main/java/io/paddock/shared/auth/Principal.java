package io.paddock.shared.auth;

import java.time.Instant;
import java.util.UUID;

/**
 * Who is calling, as a verified access token says. {@code familyId} is the refresh-token family the
 * token was minted from (its {@code fid} claim), or null for a token minted outside any family.
 */
public record Principal(UUID userId, String role, String tokenId, Instant expiresAt, String familyId) {

    public static final String USER = "user";
    public static final String ADMIN = "admin";

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }

    /** Admins may do what any role may. */
    public boolean hasRole(String required) {
        return isAdmin() || required.equals(role);
    }
}
