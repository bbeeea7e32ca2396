package io.paddock.shared.auth;

import io.paddock.shared.db.Database;
import io.paddock.shared.ids.RenewableRandom;
import io.paddock.shared.ids.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The API keys admins issued (table {@code api_keys}, migration V16): what a key looks like, how it is stored, and
 * the check every function makes of a presented one.
 *
 * <p>A key is {@code pdk_} and 43 Base64url characters: 256 bits from a {@link RenewableRandom}. Only its SHA-256 is
 * stored. A fast hash is right here and Argon2 (the passwords' hash) would be wrong: a slow hash protects a secret
 * people chose from being guessed, while 256 random bits cannot be guessed at any speed; a slow hash would only make
 * every request pay tens of milliseconds and a CPU-bound opening for floods of made-up keys.
 *
 * <p>How a key is checked: on every request that presents one, one statement finds the row by its hash (the unique
 * index) among the keys not revoked and returns its id and scopes. Nothing is cached in the container, so a
 * revocation refuses the key in every function from the moment its transaction commits — the revoking request's own
 * 204 comes after that. The statement is bounded like every other query, by the driver's socket timeout
 * ({@code paddock.database.socket-timeout}) and the pool's acquisition timeout; when PostgreSQL cannot answer, the key
 * cannot be checked and the request is a 503 (never let in unchecked: unlike an access token, a key never expires).
 *
 * <p>{@code last_used_at} moves at most once a minute per key, in the same statement: its UPDATE touches the row only
 * when the stored time is older than a minute (re-checked under the row lock, so requests racing at the minute's
 * turn write once). Cost: one round trip per keyed request, a write per key per minute at most. Hazard: the write
 * takes the row lock, so a request arriving at the turn of the minute may wait for another's commit (milliseconds).
 */
@ApplicationScoped
public class IssuedApiKeys {

    /** How the scheme is spelt in {@code Authorization} and in the {@code WWW-Authenticate} challenge. */
    public static final String SCHEME = "ApiKey";
    static final String PREFIX = "pdk_";
    private static final int SECRET_BYTES = 32;
    private static final Pattern FORMAT = Pattern.compile("pdk_[A-Za-z0-9_-]{43}");

    static final String VERIFY = "WITH found AS (SELECT id, scopes FROM api_keys WHERE hash = ? AND revoked_at IS NULL), "
            + "touched AS (UPDATE api_keys k SET last_used_at = now() FROM found WHERE k.id = found.id "
            + "AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') RETURNING k.id) "
            + "SELECT id, scopes FROM found";

    private final Database database;
    private final RenewableRandom random = RenewableRandom.create();

    public IssuedApiKeys(Database database) {
        this.database = database;
    }

    /** A new key, never stored: only {@link #hash} of it is. */
    public String mint() {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** What table {@code api_keys} stores of a key. */
    public static byte[] hash(String key) {
        return Sha256.digest(key.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The integration a presented key stands for, or empty when it is not a key of ours (malformed, unknown or
     * revoked: the three are one answer). A malformed one is refused without asking PostgreSQL.
     *
     * @throws SQLException when PostgreSQL cannot answer (a 503: see the class comment)
     */
    public Optional<Integration> verify(String presented) throws SQLException {
        if (presented == null || !FORMAT.matcher(presented).matches()) {
            return Optional.empty();
        }
        byte[] hash = hash(presented);
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement(VERIFY)) {
                select.setBytes(1, hash);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Integration(rs.getObject("id", UUID.class), scopes(rs.getArray("scopes"))));
                }
            }
        });
    }

    /** The scopes of a stored row; a code this build does not know (written by a newer one) grants nothing. */
    public static Set<ApiKeyScope> scopes(Array stored) throws SQLException {
        Set<ApiKeyScope> scopes = EnumSet.noneOf(ApiKeyScope.class);
        for (Object code : (Object[]) stored.getArray()) {
            ApiKeyScope.ofCode(String.valueOf(code)).ifPresent(scopes::add);
        }
        return scopes;
    }
}
