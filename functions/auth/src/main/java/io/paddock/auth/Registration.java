package io.paddock.auth;

import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.audit.AuditTrail;
import io.paddock.shared.ids.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** POST /v1/auth/register after validation: a new {@code user} account and its first session. */
@ApplicationScoped
public class Registration {

    private final Accounts accounts;
    private final PasswordHasher hasher;
    private final RefreshTokens refreshTokens;
    private final AuditTrail audit;

    public Registration(Accounts accounts, PasswordHasher hasher, RefreshTokens refreshTokens, AuditTrail audit) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.refreshTokens = refreshTokens;
        this.audit = audit;
    }

    /** @throws Accounts.Taken when the e-mail address and/or the handle are already registered */
    public SessionDocument register(RegisterRequest request) throws Accounts.Taken, SQLException {
        String email = AccountRules.normaliseEmail(request.email())
                .orElseThrow(() -> new IllegalArgumentException("register without a validated e-mail address"));
        // Cheap check first: a taken address or handle costs no Argon2 work.
        List<String> taken = accounts.taken(email, request.handle());
        if (!taken.isEmpty()) {
            throw new Accounts.Taken(taken);
        }
        Accounts.Account account = new Accounts.Account(Ids.uuidV7(), email, request.handle(),
                AccountRules.normaliseDisplayName(request.displayName()), "user",
                hasher.hash(AccountRules.passwordBytes(request.password())),
                // Stored at millisecond precision, so this answer and every later read agree.
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        // Roles: register only ever makes users; admins are promoted with SQL (README.md, Deploying).
        // A registration opens a session as a login does, so it is a sign-in of the audit trail, committed with the account.
        TokenPair tokens = accounts.create(account, (connection, created) -> {
            TokenPair opened = refreshTokens.open(created.id(), created.role());
            audit.record(connection, AuditAction.SIGNED_IN, created.id(), created.id().toString(),
                    Map.of("method", "registration"));
            return opened;
        });
        return SessionDocument.of(account, tokens);
    }
}
