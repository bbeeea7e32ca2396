package io.paddock.auth;

import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.audit.AuditTrail;
import io.paddock.shared.http.ServiceUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * POST /v1/auth/login after validation. An unknown address and a wrong password take the same path —
 * the same back-off bookkeeping, one Argon2 verification (against a dummy hash when there is no
 * account), the same {@link Refused} — so neither the answer nor its timing tells them apart. The audit trail
 * gets a row for each sign-in and for the failure that starts a back-off (an unknown address's too, with no
 * target), written after the session opened or the failure was counted.
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
    private final AuditTrail audit;

    public PasswordLogin(Accounts accounts, PasswordHasher hasher, RefreshTokens refreshTokens, LoginBackoff backoff,
            AuditTrail audit) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.refreshTokens = refreshTokens;
        this.backoff = backoff;
        this.audit = audit;
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
            LoginBackoff.Failure failure = orUnavailable(() -> backoff.failed(accountKey, clientAddress));
            if (failure.startedBackoff()) {
                audit.record(AuditAction.SIGN_IN_BACKOFF_STARTED, null,
                        account.map(a -> a.id().toString()).orElse(null),
                        Map.of("backoffSeconds", failure.backoff().toSeconds()));
            }
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
        TokenPair session = refreshTokens.open(user.id(), user.role());
        // After the session opened: a sign-in whose row cannot be written is a 503, and its tokens never leave.
        audit.record(AuditAction.SIGNED_IN, user.id(), user.id().toString(), Map.of("method", "password"));
        return SessionDocument.of(user, session);
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
