package io.paddock.telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The daily step that ends the reservation of deleted accounts: a deleted account's users row keeps its e-mail
 * address and handle taken until its {@code released_at} (set by auth's AccountDeletion: the deletion plus
 * PADDOCK_AUTH_ACCOUNT_DELETION_GRACE, 30 days by default); from then on this deletes the row, which frees both and
 * removes the last of the account (foreign keys clear what still names it, e.g. the admin who last changed a
 * user's rate-limit override). Here because this is the one daily schedule the stack runs; the rule needs no
 * setting of its own, the time is on the row.
 */
final class DeletedAccountRelease {

    /** Only rows a deletion reserved: a live account has no released_at. Walks users_released_at_idx. */
    static final String RELEASE = "DELETE FROM users WHERE released_at IS NOT NULL AND released_at <= now()";

    private DeletedAccountRelease() {
    }

    /** Deletes the rows whose reservation ended and returns how many; commits on its own. */
    static int run(Connection connection) throws SQLException {
        try (PreparedStatement release = connection.prepareStatement(RELEASE)) {
            return release.executeUpdate();
        }
    }
}
