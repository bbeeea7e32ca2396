package io.paddock.auth;

import java.time.Duration;

/**
 * Login back-off per account and client address together: after a run of wrong passwords for one
 * account from one address, that address waits before it may try the account again. Other addresses
 * are not held back, so nobody can lock an owner out by failing on purpose; failures across all
 * addresses only tighten the back-off of addresses that fail themselves (the account-wide ceiling, see
 * {@link LoginBackoffSettings#accountCeiling()}). Requests per address on every auth route are the
 * shared limiter's {@code auth} category. Every method throws a {@link RuntimeException} when its store
 * cannot answer.
 */
public interface LoginBackoff {

    /**
     * How long {@code address} must still wait before a password for the account (by its normalised
     * e-mail) is checked; zero = not blocked. Always zero for an address with no failures of its own.
     */
    Duration blockedFor(String email, String address);

    /**
     * A wrong password (or unknown e-mail) for the account from the address: the back-off the address now has
     * (zero while free), and whether this failure started it — the first to block the address in its run of
     * failures (a run ends at a success from the address or after {@link LoginBackoffSettings#memory()} without
     * failures), so once per run, not at every failure that follows. The audit trail records that one.
     */
    Failure failed(String email, String address);

    record Failure(Duration backoff, boolean startedBackoff) {
    }

    /** A right password from the address: that address's failures for the account are forgotten. */
    void succeeded(String email, String address);
}
