package io.paddock.shared.testing;

import io.paddock.shared.auth.ApiKeyScope;
import io.paddock.shared.auth.IssuedApiKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * API keys written straight into table api_keys, as auth's POST /v1/admin/api-keys would write them (a key from
 * the app's own {@link IssuedApiKeys}, its hash stored), for modules that cannot call auth. The one home for
 * "insert a key" in every test module but auth, which creates its keys through the route.
 */
public final class TestApiKeys {

    /** {@code key} is the secret a client sends as {@code Authorization: ApiKey <key>}. */
    public record TestApiKey(UUID id, String key) {

        public String authorization() {
            return IssuedApiKeys.SCHEME + " " + key;
        }
    }

    private final DataSource dataSource;
    private final IssuedApiKeys keys;

    public TestApiKeys(DataSource dataSource, IssuedApiKeys keys) {
        this.dataSource = dataSource;
        this.keys = keys;
    }

    public TestApiKey withScopes(ApiKeyScope... scopes) {
        UUID id = UUID.randomUUID();
        String key = keys.mint();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO api_keys (id, name, scopes, hash, created_by) "
                        + "VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, id);
            s.setString(2, "test key " + id);
            s.setArray(3, c.createArrayOf("text", Arrays.stream(scopes).map(ApiKeyScope::code).toArray()));
            s.setBytes(4, IssuedApiKeys.hash(key));
            s.setObject(5, UUID.randomUUID());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("test API key not inserted: " + e.getMessage(), e);
        }
        return new TestApiKey(id, key);
    }

    /** Revokes {@code key} as DELETE /v1/admin/api-keys/{id} does (without its audit row). */
    public void revoke(TestApiKey key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE api_keys SET revoked_at = now() WHERE id = ?")) {
            s.setObject(1, key.id());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("test API key not revoked: " + e.getMessage(), e);
        }
    }
}
