package io.paddock.auth;

import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.audit.AuditTrail;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.db.Database;
import io.paddock.shared.ids.Ids;
import io.paddock.shared.ids.RenewableRandom;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /v1/auth/oidc/{provider}} after validation: a verified ID token ({@link IdTokenVerifier}) signs into
 * an account and opens a session exactly as a login does ({@link RefreshTokens#open}: the access token's
 * {@code auth_time} is this sign-in).
 *
 * <p>Which account: the one the provider's user (provider, subject) was linked to before (200); else, on the first
 * sign-in, the live account whose e-mail address the token carries and the provider says is verified — the identity
 * is linked to it (200); else a new account (201) with that verified address, a generated handle
 * ({@code user_} and ten random letters and digits: nothing of the address shows in public feeds), no display name and
 * no password. Never through an address the provider does not vouch for: an account with the address and a token that
 * does not verify it is a 409 (sign in with the password first); no account and no verified address is a 422, since
 * an account needs an address (users.email) and an unverified one could be someone else's.
 *
 * <p>Replay: the token's nonce is spent in the transaction that signs in (table used_oidc_nonces, V17, until the
 * token's expiry plus the clock skew), so the same token — or any token minted for the same nonce — signs in once;
 * a sign-in that fails for any reason (a 503 included) leaves it unspent. Each sign-in leaves one audit row
 * {@code auth.signed_in} with {@code {method: oidc, provider, account: existing|linked|created}}, committed with it.
 */
@ApplicationScoped
public class OidcSignIn {

    static final String IDENTITY_OWNER = "SELECT user_id FROM user_identities WHERE provider = ? AND subject = ?";
    static final String LINK = "INSERT INTO user_identities (provider, subject, user_id) VALUES (?, ?, ?) "
            + "ON CONFLICT (provider, subject) DO NOTHING";
    /** Spends the nonce; a row whose expiry passed (not yet pruned) is taken over. One row changed: spent by us. */
    static final String SPEND_NONCE = "INSERT INTO used_oidc_nonces (provider, nonce_hash, expires_at) VALUES (?, ?, ?) "
            + "ON CONFLICT (provider, nonce_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at "
            + "WHERE used_oidc_nonces.expires_at < now()";
    private static final String HANDLE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int HANDLE_ATTEMPTS = 3;

    /** The route's provider is not one this deployment signs in with: 404. */
    public static final class NotEnabled extends Exception {
        NotEnabled() {
            super("provider not enabled", null, false, false);
        }
    }

    /** 409 or 422, with the detail said to the client. */
    public static final class AccountRefused extends Exception {
        public final int status;

        AccountRefused(int status, String detail) {
            super(detail, null, false, false);
            this.status = status;
        }
    }

    /** A session and whether its account was made by this sign-in (201) or existed (200). */
    public record Outcome(SessionDocument session, boolean created) {
    }

    private final Map<OidcProvider, IdTokenVerifier> verifiers = new EnumMap<>(OidcProvider.class);
    private final Database database;
    private final Accounts accounts;
    private final RefreshTokens refreshTokens;
    private final AuditTrail audit;
    private final Duration skew;
    /** Generated handles: renewed after every SnapStart restore, so restored copies never draw the same ones. */
    private final RenewableRandom random = RenewableRandom.create();

    @Inject
    public OidcSignIn(OidcSettings settings, PaddockConfig config, Database database, Accounts accounts,
            RefreshTokens refreshTokens, AuditTrail audit) {
        this(settings, config.auth().clockSkew(), InstantSource.system(), database, accounts, refreshTokens, audit);
    }

    OidcSignIn(OidcSettings settings, Duration skew, InstantSource clock, Database database, Accounts accounts,
            RefreshTokens refreshTokens, AuditTrail audit) {
        this.database = database;
        this.accounts = accounts;
        this.refreshTokens = refreshTokens;
        this.audit = audit;
        this.skew = skew;
        for (OidcProvider provider : OidcProvider.values()) {
            OidcSettings.Provider own = provider.settings(settings);
            List<String> clientIds = own.clientIdList();
            if (!clientIds.isEmpty()) {
                ProviderKeys keys = new ProviderKeys(URI.create(own.jwksUrl().orElse(provider.defaultKeySetUrl)),
                        settings.keysFetchTimeout(), settings.keysCacheFloor(), settings.keysCacheCeiling(),
                        settings.keysRefetchInterval(), clock);
                verifiers.put(provider, new IdTokenVerifier(provider, clientIds, keys, skew, clock));
            }
        }
    }

    /** The providers this deployment signs in with (those with client ids). */
    public boolean enabled(String providerId) {
        return OidcProvider.byId(providerId).map(verifiers::containsKey).orElse(false);
    }

    public Outcome signIn(String providerId, String idToken, String nonce)
            throws NotEnabled, IdTokenVerifier.Refused, ProviderKeys.Unreachable, AccountRefused, SQLException {
        IdTokenVerifier verifier = OidcProvider.byId(providerId).map(verifiers::get).orElseThrow(NotEnabled::new);
        IdTokenVerifier.Verified token = verifier.verify(idToken, nonce);
        try {
            return signIn(token);
        } catch (AddressTakenMeanwhile raced) {
            // A concurrent first sign-in of the same user (or a registration) took the address between the lookups and
            // the insert: look again, and sign into what is there now; only a reservation is left as a 409.
            try {
                return signIn(token);
            } catch (AddressTakenMeanwhile reserved) {
                throw new AccountRefused(409, "This e-mail address belongs to an account that was deleted recently; "
                        + "it cannot be used again yet");
            }
        }
    }

    private Outcome signIn(IdTokenVerifier.Verified token)
            throws IdTokenVerifier.Refused, AccountRefused, AddressTakenMeanwhile, SQLException {
        Optional<UUID> linked = database.inTransaction(c -> owner(c, token));
        if (linked.isPresent()) {
            Accounts.Account account = accounts.findById(linked.get())
                    .orElseThrow(() -> new IdTokenVerifier.Refused("The account of this sign-in no longer exists"));
            return new Outcome(session(account, token, false, "existing"), false);
        }
        Optional<String> email = token.email().flatMap(AccountRules::normaliseEmail);
        Optional<Accounts.Account> existing = email.isPresent() ? accounts.findByEmail(email.get()) : Optional.empty();
        if (existing.isPresent()) {
            if (!token.emailVerified()) {
                throw new AccountRefused(409, "An account with this e-mail address exists, and " + token.provider().id
                        + " does not say the address is verified: sign in with the password first");
            }
            return new Outcome(session(existing.get(), token, true, "linked"), false);
        }
        if (email.isEmpty() || !token.emailVerified()) {
            throw new AccountRefused(422, "A first sign-in needs an e-mail address that " + token.provider().id
                    + " says is verified: ask for the email scope");
        }
        return new Outcome(create(email.get(), token), true);
    }

    /** Spends the nonce, links the identity when asked, opens the session and writes the audit row: one transaction. */
    private SessionDocument session(Accounts.Account account, IdTokenVerifier.Verified token, boolean link, String how)
            throws SQLException, IdTokenVerifier.Refused {
        try {
            TokenPair tokens = database.inTransaction(c -> {
                spendNonce(c, token);
                if (link) {
                    link(c, token, account.id());
                }
                return signedIn(c, account, token, how);
            });
            return SessionDocument.of(account, tokens);
        } catch (NonceSpent spent) {
            throw nonceUsed();
        }
    }

    private SessionDocument create(String email, IdTokenVerifier.Verified token)
            throws SQLException, IdTokenVerifier.Refused, AddressTakenMeanwhile {
        for (int attempt = 1; ; attempt++) {
            Accounts.Account account = new Accounts.Account(Ids.uuidV7(), email, newHandle(), null, "user", null,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS));
            try {
                TokenPair tokens = accounts.create(account, (c, created) -> {
                    spendNonce(c, token);
                    link(c, token, created.id());
                    return signedIn(c, created, token, "created");
                });
                return SessionDocument.of(account, tokens);
            } catch (NonceSpent spent) {
                throw nonceUsed();
            } catch (Accounts.Taken taken) {
                if (taken.fields.contains("email")) {
                    // Reserved by a deleted account (AccountDeletion's grace period), or taken since the lookup.
                    throw new AddressTakenMeanwhile();
                }
                if (attempt == HANDLE_ATTEMPTS) {
                    throw new IllegalStateException("no free handle after " + HANDLE_ATTEMPTS + " draws");
                }
            }
        }
    }

    private TokenPair signedIn(Connection c, Accounts.Account account, IdTokenVerifier.Verified token, String how)
            throws SQLException {
        TokenPair opened = refreshTokens.open(account.id(), account.role());
        audit.record(c, AuditAction.SIGNED_IN, account.id(), account.id().toString(),
                Map.of("method", "oidc", "provider", token.provider().id, "account", how));
        return opened;
    }

    private static Optional<UUID> owner(Connection c, IdTokenVerifier.Verified token) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(IDENTITY_OWNER)) {
            s.setString(1, token.provider().id);
            s.setString(2, token.subject());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    private static void link(Connection c, IdTokenVerifier.Verified token, UUID userId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LINK)) {
            s.setString(1, token.provider().id);
            s.setString(2, token.subject());
            s.setObject(3, userId);
            s.executeUpdate();
        }
    }

    private void spendNonce(Connection c, IdTokenVerifier.Verified token) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SPEND_NONCE)) {
            s.setString(1, token.provider().id);
            s.setBytes(2, OidcProvider.sha256(token.nonce()));
            s.setTimestamp(3, Timestamp.from(token.expiresAt().plus(skew)));
            if (s.executeUpdate() != 1) {
                throw new NonceSpent();
            }
        }
    }

    private String newHandle() {
        StringBuilder handle = new StringBuilder("user_");
        for (int i = 0; i < 10; i++) {
            handle.append(HANDLE_ALPHABET.charAt((int) random.nextLong(HANDLE_ALPHABET.length())));
        }
        return handle.toString();
    }

    private static IdTokenVerifier.Refused nonceUsed() {
        return new IdTokenVerifier.Refused("This nonce already signed in; start a new sign-in with a new nonce");
    }

    /** The address was free when looked up but taken at the insert (or is reserved by a deleted account). */
    private static final class AddressTakenMeanwhile extends Exception {
        AddressTakenMeanwhile() {
            super(null, null, false, false);
        }
    }

    /** Carries "nonce already spent" out of the transaction lambda, rolling it back. */
    private static final class NonceSpent extends RuntimeException {
        NonceSpent() {
            super(null, null, false, false);
        }
    }
}
