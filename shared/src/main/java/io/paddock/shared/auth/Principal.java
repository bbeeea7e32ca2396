package io.paddock.shared.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Who is calling, as a verified access token says. {@code familyId} is the refresh-token family the
 * token was minted from (its {@code fid} claim), or null for a token minted outside any family.
 * {@code authTime} is when the caller last proved who they are (its {@code auth_time} claim, OpenID Connect
 * Core §2): the login or registration that opened the family, never a refresh; null for a token without
 * the claim (minted before it existed), which therefore never counts as a recent sign-in.
 */
public record Principal(UUID userId, String role, String tokenId, Instant expiresAt, String familyId, Instant authTime) {

    public static final String USER = "user";
    public static final String ADMIN = "admin";

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }

    /** Admins may do what any role may. */
    public boolean hasRole(String required) {
        return isAdmin() || required.equals(role);
    }

    /** Whether the caller signed in at most {@code maxAge} before {@code now} (RFC 9470 {@code max_age}). */
    public boolean signedInWithin(Duration maxAge, Instant now) {
        return authTime != null && !authTime.isBefore(now.minus(maxAge)) && !authTime.isAfter(now.plus(maxAge));
    }
}
