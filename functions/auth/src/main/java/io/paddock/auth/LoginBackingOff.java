package io.paddock.auth;

import java.time.Duration;

/**
 * This address backs off from this account (see {@link LoginBackoff}): the login is refused before the
 * password is looked at. Carries the back-off's real remaining delay, which {@link LoginBackoffProblems}
 * sends as {@code Retry-After}.
 */
public class LoginBackingOff extends RuntimeException {

    /** Whole seconds, rounded up and at least 1: a client that waits this long is past the back-off. */
    public final long retryAfterSeconds;

    LoginBackingOff(Duration remaining) {
        super(null, null, false, false);
        this.retryAfterSeconds = Math.max(1, (remaining.toMillis() + 999) / 1000);
    }

    @Override
    public String getMessage() {
        return "Too many failed logins for this account from this address; retry after " + retryAfterSeconds + " s";
    }
}
