package io.paddock.telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The daily step that forgets spent sign-in nonces (table used_oidc_nonces, V17): auth's OidcSignIn keeps each nonce
 * that signed in with Apple or Google until the ID token carrying it could no longer be accepted (its exp plus the
 * clock skew, on the row); after that the row guards nothing, and this deletes it. Here because this is the one daily
 * schedule the stack runs; a row past its time that is still there is harmless (the next sign-in with that nonce
 * takes it over), so a missed day costs only space.
 */
final class UsedOidcNonces {

    /** Walks used_oidc_nonces_expires_at_idx. */
    static final String PRUNE = "DELETE FROM used_oidc_nonces WHERE expires_at < now()";

    private UsedOidcNonces() {
    }

    /** Deletes the rows past their time and returns how many; commits on its own. */
    static int prune(Connection connection) throws SQLException {
        try (PreparedStatement prune = connection.prepareStatement(PRUNE)) {
            return prune.executeUpdate();
        }
    }
}
