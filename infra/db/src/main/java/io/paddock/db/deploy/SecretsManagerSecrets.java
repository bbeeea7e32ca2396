package io.paddock.db.deploy;

import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * {@link Secrets} from AWS Secrets Manager (through its VPC interface endpoint when the function runs in a
 * VPC without NAT). The client is built on first use rather than at init: a failure to build it (no region,
 * say) then becomes a FAILED answer to CloudFormation instead of an init error that answers nothing and
 * leaves the stack waiting. Every call is bounded: connect 3 s, read 5 s, each attempt 5 s, the whole call
 * with the SDK's retries 12 s.
 */
final class SecretsManagerSecrets implements Secrets {

    private SecretsManagerClient client;

    @Override
    public synchronized String secretString(String secretId) {
        if (client == null) {
            client = SecretsManagerClient.builder()
                    .httpClient(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(3))
                            .socketTimeout(Duration.ofSeconds(5))
                            .build())
                    .overrideConfiguration(c -> c
                            .apiCallAttemptTimeout(Duration.ofSeconds(5))
                            .apiCallTimeout(Duration.ofSeconds(12)))
                    .build();
        }
        GetSecretValueResponse response = client.getSecretValue(r -> r.secretId(secretId));
        if (response.secretString() == null) {
            throw new IllegalStateException("secret " + secretId + " has no string value (a binary secret?)");
        }
        return response.secretString();
    }
}
