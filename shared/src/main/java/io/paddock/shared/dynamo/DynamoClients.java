package io.paddock.shared.dynamo;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.resilience.StoreBreakers;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB client of one container: URL-connection HTTP client (smallest cold start), explicit
 * connect/socket/call timeouts. An endpoint override (DynamoDB Local) gets dummy credentials unless real
 * ones are configured, since DynamoDB Local accepts any.
 */
@Singleton
public class DynamoClients {

    @Produces
    @Singleton
    DynamoDbClient dynamoDb(PaddockConfig config, StoreBreakers breakers) {
        PaddockConfig.Dynamodb settings = config.dynamodb();
        var builder = DynamoDbClient.builder()
                .region(Region.of(settings.region()))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.apiCallTimeout())
                        .build())
                .overrideConfiguration(o -> o
                        .apiCallTimeout(settings.apiCallTimeout())
                        .apiCallAttemptTimeout(settings.apiCallTimeout())
                        // The SDK's standard strategy: up to 3 attempts, exponential back-off with jitter,
                        // only for errors it knows to be transient (throttling, 5xx, I/O).
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy())
                        .addExecutionInterceptor(new DynamoCalls(breakers.dynamodb())));
        settings.endpoint().filter(s -> !s.isBlank()).ifPresentOrElse(endpoint -> {
            builder.endpointOverride(URI.create(endpoint));
            builder.credentialsProvider(hasAwsCredentials()
                    ? DefaultCredentialsProvider.builder().build()
                    : StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        }, () -> builder.credentialsProvider(DefaultCredentialsProvider.builder().build()));
        return builder.build();
    }

    void close(@Disposes DynamoDbClient client) {
        client.close();
    }

    private static boolean hasAwsCredentials() {
        return System.getenv("AWS_ACCESS_KEY_ID") != null || System.getenv("AWS_PROFILE") != null;
    }
}
