package io.paddock.auth;

import java.time.Duration;

/**
 * The brute-force limits of the auth routes, behind an interface so the shared limiter (issue 4) can
 * replace the Redis counters below without touching the routes. Every method throws a
 * {@link RuntimeException} when its store cannot answer; callers decide whether that fails open or closed.
 */
public interface AuthAttemptLimits {

    /** Where a client stands in a category after this request was counted. */
    record Standing(String policy, int limit, int remaining, long resetSeconds, long windowSeconds, boolean allowed) {
    }

    /** Counts one request of {@code policy} ({@code auth}, {@code read}) for the client key (IP or user). */
    Standing count(String policy, String clientKey);

    /** How long the account (by its normalised e-mail) must still wait before a password is checked; zero = not blocked. */
    Duration loginBlockedFor(String email);

    /** A wrong password (or unknown address) for the account; returns the back-off it now has (zero while free). */
    Duration loginFailed(String email);

    /** A right password: the account's failures are forgotten. */
    void loginSucceeded(String email);
}
