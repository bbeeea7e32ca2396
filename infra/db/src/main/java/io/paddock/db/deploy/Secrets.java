package io.paddock.db.deploy;

/**
 * Where the custom resource reads its logins: AWS Secrets Manager when deployed ({@link SecretsManagerSecrets}),
 * a plain map in tests. Read at invoke time, so a rotated secret is used by the next deploy and no password
 * sits in an environment variable.
 */
@FunctionalInterface
public interface Secrets {

    /** The secret's string value (JSON with username and password); throws when it cannot be read. */
    String secretString(String secretId);
}
