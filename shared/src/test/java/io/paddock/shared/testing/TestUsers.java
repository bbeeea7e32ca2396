package io.paddock.shared.testing;

import io.paddock.shared.auth.AccessTokens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Users written straight into the users table (no password anyone can sign in with) and signed in with an access
 * token minted by the app's own signer, as auth would after a login. Every call makes a new user with a handle of
 * its own, so tests never share one. The one home for "insert a user and mint a token" in every test module.
 */
public final class TestUsers {

    /** {@code token} is a valid access token for {@code id} with {@code role}. */
    public record TestUser(UUID id, String handle, String role, String token) {

        public String bearer() {
            return "Bearer " + token;
        }
    }

    private final DataSource dataSource;
    private final AccessTokens tokens;

    public TestUsers(DataSource dataSource, AccessTokens tokens) {
        this.dataSource = dataSource;
        this.tokens = tokens;
    }

    public TestUser user() {
        return withRole("user");
    }

    public TestUser admin() {
        return withRole("admin");
    }

    public TestUser withRole(String role) {
        UUID id = UUID.randomUUID();
        return insert(id, "t_" + id.toString().replace("-", "").substring(0, 20), role);
    }

    /** A user with this handle (3–30 of a–z, 0–9, _), for tests that name their users. */
    public TestUser named(String handle, String role) {
        return insert(UUID.randomUUID(), handle, role);
    }

    private TestUser insert(UUID id, String handle, String role) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO users (id, email, handle, display_name, "
                        + "password_hash, role) VALUES (?, ?, ?, ?, '!test-user', ?)")) {
            s.setObject(1, id);
            s.setString(2, handle + "@example.com");
            s.setString(3, handle);
            s.setString(4, "User " + handle);
            s.setString(5, role);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("test user " + handle + " not inserted: " + e.getMessage(), e);
        }
        return new TestUser(id, handle, role, tokens.issue(id, role).token());
    }
}
