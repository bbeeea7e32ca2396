package io.paddock.auth;

import java.time.Duration;

/**
 * Per-account login back-off: after a run of wrong passwords an account waits, whatever address the
 * next attempt comes from. (Requests per address are the shared limiter's {@code auth} category.)
 * Every method throws a {@link RuntimeException} when its store cannot answer.
 */
public interface LoginBackoff {

    /** How long the account (by its normalised e-mail) must still wait before a password is checked; zero = not blocked. */
    Duration blockedFor(String email);

    /** A wrong password (or unknown address) for the account; returns the back-off it now has (zero while free). */
    Duration failed(String email);

    /** A right password: the account's failures are forgotten. */
    void succeeded(String email);
}
