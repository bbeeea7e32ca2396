package io.paddock.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.Optional;
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
    private final RequestLimits limits;

    public PasswordLogin(Accounts accounts, PasswordHasher hasher, RefreshTokens refreshTokens, RequestLimits limits) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.refreshTokens = refreshTokens;
        this.limits = limits;
    }

    public SessionDocument login(LoginRequest request) throws Refused, SQLException {
        Optional<String> email = AccountRules.normaliseEmail(request.email());
        // The back-off is per address as typed (normalised); addresses that cannot exist are counted too.
        String accountKey = email.orElse(request.email().strip());
        limits.refuseIfAccountBlocked(accountKey);

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
            limits.loginFailed(accountKey);
            throw new Refused();
        }
        limits.loginSucceeded(accountKey);
        Accounts.Account user = account.get();
        rehashIfWeaker(user, password);
        return SessionDocument.of(user, refreshTokens.open(user.id(), user.role()));
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
