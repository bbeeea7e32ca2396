package io.paddock.auth;

import io.paddock.shared.http.ServiceUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * POST /v1/auth/login after validation. An unknown address and a wrong password take the same path —
 * the same back-off bookkeeping, one Argon2 verification (against a dummy hash when there is no
 * account), the same {@link Refused} — so neither the answer nor its timing tells them apart.
 */
@ApplicationScoped
public class PasswordLogin {

    private static final Logger LOG = Logger.getLogger(PasswordLogin.class);

    /** Wrong e-mail address or password; deliberately without saying which. */
    public static class Refused extends Exception {
        Refused() {
            super("wrong e-mail address or password", null, false, false);
        }
    }

    private final Accounts accounts;
    private final PasswordHasher hasher;
    private final RefreshTokens refreshTokens;
    private final LoginBackoff backoff;

    public PasswordLogin(Accounts accounts, PasswordHasher hasher, RefreshTokens refreshTokens, LoginBackoff backoff) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.refreshTokens = refreshTokens;
        this.backoff = backoff;
    }

    /** {@code clientAddress}: where the attempt comes from; the back-off holds back that address only. */
    public SessionDocument login(LoginRequest request, String clientAddress) throws Refused, SQLException {
        Optional<String> email = AccountRules.normaliseEmail(request.email());
        // The back-off is per e-mail as typed (normalised); e-mails that cannot exist are counted too.
        String accountKey = email.orElse(request.email().strip());
        refuseIfBlocked(accountKey, clientAddress);

        Optional<Accounts.Account> account = email.isPresent() ? accounts.findByEmail(email.get()) : Optional.empty();
        byte[] password = AccountRules.passwordBytes(request.password());
        boolean right;
        if (account.isPresent()) {
            right = hasher.verify(password, account.get().passwordHash());
        } else {
            hasher.verifyAgainstDummy(password);
            right = false;
        }
        if (!right) {
            // Fails closed: without the count, an attacker would get unlimited guesses.
            orUnavailable(() -> backoff.failed(accountKey, clientAddress));
            throw new Refused();
        }
        try {
            backoff.succeeded(accountKey, clientAddress);
        } catch (RuntimeException e) {
            // The password was right; the stale failure count only expires later on its own.
            LOG.warnf("login failures not reset, back-off store unavailable: %s", e.getClass().getSimpleName());
        }
        Accounts.Account user = account.get();
        rehashIfWeaker(user, password);
        return SessionDocument.of(user, refreshTokens.open(user.id(), user.role()));
    }

    /** A 429 ({@link LoginBackoffProblems}) to this address while it backs off from the account. */
    private void refuseIfBlocked(String accountKey, String clientAddress) {
        Duration blocked = orUnavailable(() -> backoff.blockedFor(accountKey, clientAddress));
        if (blocked.isPositive()) {
            throw new LoginBackingOff(blocked);
        }
    }

    private static <T> T orUnavailable(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new ServiceUnavailable("the login back-off store is unavailable", e);
        }
    }

    /** Raised Argon2 parameters reach each stored hash at its owner's next login (the password is at hand only now). */
    private void rehashIfWeaker(Accounts.Account user, byte[] password) {
        if (!hasher.needsRehash(user.passwordHash())) {
            return;
        }
        try {
            accounts.replacePasswordHash(user.id(), user.passwordHash(), hasher.hash(password));
        } catch (SQLException e) {
            LOG.warnf("rehash of %s postponed: %s", user.id(), e.getMessage());
        }
    }
}
