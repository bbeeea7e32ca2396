package io.paddock.auth;

import io.paddock.shared.db.Database;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.postgresql.util.PSQLException;

/**
 * The users table, for the auth routes: create, find by e-mail or id (live accounts only), replace a password
 * hash. Deletion is {@link AccountDeletion}.
 */
@ApplicationScoped
public class Accounts {

    /**
     * One user row; {@code passwordHash} never leaves this function, and is null for an account made by signing in
     * with Apple or Google (OidcSignIn), which no password matches.
     */
    public record Account(UUID id, String email, String handle, String displayName, String role, String passwordHash,
            Instant createdAt) {

        @Override
        public String toString() {
            return "Account[" + id + "]";
        }
    }

    /** Registration lost to an existing account: which fields are taken. */
    public static class Taken extends Exception {
        public final List<String> fields;

        Taken(List<String> fields) {
            super("taken: " + fields, null, false, false);
            this.fields = List.copyOf(fields);
        }
    }

    static final String COLUMNS = "id, email, handle, display_name, role, password_hash, created_at";
    // lower(email) is the users_email_lower_key index: the login lookup and the uniqueness rule are one.
    // A deleted account's row stays while its e-mail address and handle are reserved (AccountDeletion), but it
    // is no account: it cannot sign in, refresh or be read. TAKEN still sees it: that is the reservation.
    static final String FIND_BY_EMAIL = "SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower(?) AND deleted_at IS NULL";
    static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = ? AND deleted_at IS NULL";
    static final String TAKEN = "SELECT lower(email) = lower(?) AS email_taken, handle = ? AS handle_taken "
            + "FROM users WHERE lower(email) = lower(?) OR handle = ?";
    static final String INSERT = "INSERT INTO users (id, email, handle, display_name, password_hash, role, created_at, "
            + "updated_at) VALUES (?, ?, ?, ?, ?, 'user', ?, ?)";
    // Only if the hash is still the one verified: a password change in between wins over the rehash.
    static final String REPLACE_HASH = "UPDATE users SET password_hash = ?, updated_at = now() "
            + "WHERE id = ? AND password_hash = ?";

    private static final String UNIQUE_VIOLATION = "23505";

    private final Database database;

    public Accounts(Database database) {
        this.database = database;
    }

    public Optional<Account> findByEmail(String normalisedEmail) throws SQLException {
        return database.inTransaction(c -> one(c, FIND_BY_EMAIL, normalisedEmail));
    }

    public Optional<Account> findById(UUID id) throws SQLException {
        return database.inTransaction(c -> one(c, FIND_BY_ID, id));
    }

    /**
     * Inserts the account and, in the same transaction, runs {@code beforeCommit} (which opens its
     * refresh-token family): if that fails, the account is not created and registering again works.
     */
    public <T> T create(Account account, AfterInsert<T> beforeCommit) throws SQLException, Taken {
        try {
            return database.inTransaction(c -> {
                List<String> taken = taken(c, account.email(), account.handle());
                if (!taken.isEmpty()) {
                    throw new TakenSignal(taken);
                }
                try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                    insert.setObject(1, account.id());
                    insert.setString(2, account.email());
                    insert.setString(3, account.handle());
                    insert.setString(4, account.displayName());
                    insert.setString(5, account.passwordHash());
                    insert.setTimestamp(6, Timestamp.from(account.createdAt()));
                    insert.setTimestamp(7, Timestamp.from(account.createdAt()));
                    insert.executeUpdate();
                }
                return beforeCommit.run(c, account);
            });
        } catch (TakenSignal signal) {
            throw new Taken(signal.fields);
        } catch (PSQLException e) {
            // A concurrent registration passed the check first; the constraint says which field it was.
            if (UNIQUE_VIOLATION.equals(e.getSQLState()) && e.getServerErrorMessage() != null) {
                String constraint = String.valueOf(e.getServerErrorMessage().getConstraint());
                if (constraint.contains("email")) {
                    throw new Taken(List.of("email"));
                }
                if (constraint.contains("handle")) {
                    throw new Taken(List.of("handle"));
                }
            }
            throw e;
        }
    }

    /** Which of the two unique fields are already used, so a 409 can name both at once. */
    public List<String> taken(String normalisedEmail, String handle) throws SQLException {
        return database.inTransaction(c -> taken(c, normalisedEmail, handle));
    }

    public boolean replacePasswordHash(UUID id, String verifiedHash, String newHash) throws SQLException {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement(REPLACE_HASH)) {
                update.setString(1, newHash);
                update.setObject(2, id);
                update.setString(3, verifiedHash);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static List<String> taken(Connection c, String email, String handle) throws SQLException {
        boolean emailTaken = false;
        boolean handleTaken = false;
        try (PreparedStatement select = c.prepareStatement(TAKEN)) {
            select.setString(1, email);
            select.setString(2, handle);
            select.setString(3, email);
            select.setString(4, handle);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    emailTaken |= rs.getBoolean("email_taken");
                    handleTaken |= rs.getBoolean("handle_taken");
                }
            }
        }
        List<String> fields = new ArrayList<>();
        if (emailTaken) {
            fields.add("email");
        }
        if (handleTaken) {
            fields.add("handle");
        }
        return fields;
    }

    private static Optional<Account> one(Connection c, String sql, Object key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setObject(1, key);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Account(rs.getObject("id", UUID.class), rs.getString("email"),
                        rs.getString("handle"), rs.getString("display_name"), rs.getString("role"),
                        rs.getString("password_hash"), rs.getTimestamp("created_at").toInstant()));
            }
        }
    }

    @FunctionalInterface
    public interface AfterInsert<T> {
        /** {@code connection} is the insert's, in its transaction: what is written on it commits with the account. */
        T run(Connection connection, Account account) throws SQLException;
    }

    /** Carries "taken" out of the transaction lambda (which may only throw SQLException). */
    private static final class TakenSignal extends RuntimeException {
        final List<String> fields;

        TakenSignal(List<String> fields) {
            super(null, null, false, false);
            this.fields = fields;
        }
    }
}
