package io.paddock.db.deploy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A PostgreSQL user name and password, as a Secrets Manager secret holds them: a JSON object with the keys
 * {@code username} and {@code password} (the shape RDS and RDS Proxy use; other keys are ignored).
 */
record DatabaseLogin(String username, String password) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws IllegalArgumentException naming the secret and what is missing, never quoting its value:
     *         Jackson's own messages echo the offending text, so they are not passed on
     */
    static DatabaseLogin fromSecret(String secretId, String secretString) {
        JsonNode node;
        try {
            node = JSON.readTree(secretString);
        } catch (JacksonException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("secret " + secretId + " is not a JSON object with username and password");
        }
        JsonNode username = node.get("username");
        JsonNode password = node.get("password");
        if (username == null || !username.isTextual() || username.asText().isBlank()) {
            throw new IllegalArgumentException("secret " + secretId + " has no username");
        }
        if (password == null || !password.isTextual() || password.asText().isEmpty()) {
            throw new IllegalArgumentException("secret " + secretId + " has no password");
        }
        return new DatabaseLogin(username.asText(), password.asText());
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "DatabaseLogin[" + username + "]";
    }
}
