package io.paddock.shared.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Settings too large or too secret for a Lambda environment variable (4 KB in all, readable by anyone
 * who may view the function) are given as a Secrets Manager ARN instead of the value; they are read
 * once per container, at init, so SnapStart snapshots already hold them.
 */
@ApplicationScoped
public class Secrets {

    static final String ARN_PREFIX = "arn:aws:secretsmanager:";

    public static boolean isReference(String value) {
        return value != null && value.startsWith(ARN_PREFIX);
    }

    /** The value itself, or the secret's string when the value is a Secrets Manager ARN. */
    public Optional<String> resolve(Optional<String> value) {
        return value.filter(v -> !v.isBlank()).map(v -> isReference(v) ? fetch(v) : v);
    }

    private static String fetch(String arn) {
        String region = arn.split(":")[3];
        try (SecretsManagerClient client = SecretsManagerClient.builder()
                .region(software.amazon.awssdk.regions.Region.of(region))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(3)).build())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(5)))
                .build()) {
            return client.getSecretValue(r -> r.secretId(arn)).secretString();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read secret " + arn + ": " + e.getClass().getSimpleName(), e);
        }
    }
}
