package io.paddock.telemetry;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.shared.db.DirectLogin;
import io.paddock.shared.observability.ServiceMetrics;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The scheduled (EventBridge, daily) entry of the telemetry zip: partitions, retention of events and of
 * their claimed ids, the release of deleted accounts' e-mail addresses and handles ({@link DeletedAccountRelease}),
 * the spent sign-in nonces whose tokens have expired ({@link UsedOidcNonces}), and the replay of parked batches. Deliberately not a Quarkus app: a
 * cron job needs one JDBC connection, not the HTTP stack, so its cold start stays small. Signs in as
 * the functions do ({@link DirectLogin}: DATABASE_URL, DATABASE_USER, an IAM token or DATABASE_PASSWORD);
 * PADDOCK_TELEMETRY_RETENTION_DAYS (default 30) sets the retention; the daily run also drops audit-trail rows past
 * PADDOCK_AUDIT_RETENTION_DAYS (default 400, {@link AuditTrailRetention}); DYNAMODB_PARKED_EVENTS_TABLE (and DYNAMODB_ENDPOINT, AWS_REGION) where
 * the batches parked while PostgreSQL was unavailable wait to be replayed. A batch PostgreSQL refuses for
 * its content is quarantined in that table, not retried (see {@link ParkedBatches}); the count is in the
 * report and in the metric ParkedBatchesQuarantined.
 */
public class MaintenanceHandler {

    /**
     * Lambda calls this by name (Handler: io.paddock.telemetry.MaintenanceHandler::handleRequest). The class
     * does not implement RequestStreamHandler on purpose: Quarkus would take it for a second handler of
     * the HTTP app and refuse to build.
     */
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String json = run(System.getenv(), replayOnly(input.readAllBytes()));
        System.out.println(json);
        output.write(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The 5-minute schedule sends {"task": "replay"}; the daily one (anything else) does everything. */
    static boolean replayOnly(byte[] input) {
        try {
            return "replay".equals(new ObjectMapper().readTree(input).path("task").asText());
        } catch (IOException | RuntimeException notJson) {
            return false;
        }
    }

    /** One run with the given environment; the report as a JSON line. */
    String run(Map<String, String> env, boolean replayOnly) {
        UsageEventMaintenance.Report report = null;
        int accountsReleased = 0;
        int noncesPruned = 0;
        ParkedBatches.Replay replay;
        Duration retention = retention(env);
        int auditDays = AuditTrailRetention.days(env);
        long auditRowsPruned = 0;
        try (Connection connection = connect(env); DynamoDbClient dynamo = dynamo(env)) {
            if (!replayOnly) {
                report = new UsageEventMaintenance(Clock.systemUTC(), retention).run(connection);
                auditRowsPruned = AuditTrailRetention.prune(connection, auditDays);
                accountsReleased = DeletedAccountRelease.run(connection);
                noncesPruned = UsedOidcNonces.prune(connection);
            }
            replay = new ParkedBatches(dynamo, env.getOrDefault("DYNAMODB_PARKED_EVENTS_TABLE", "paddock-parked-events"),
                    retention, Clock.systemUTC()).replay(connection, MAX_BATCHES_PER_RUN);
        } catch (SQLException e) {
            // Fail the invocation so EventBridge's retry and the function's error metric see it.
            throw new IllegalStateException("usage event or audit trail maintenance failed: " + e.getMessage(), e);
        }
        // Every run, 0 included: the alarm on quarantined batches then tells "none" from "no data".
        new ServiceMetrics(env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "Paddock"))
                .parkedBatchesQuarantined(SERVICE, replay.quarantined());
        String replayed = "\"replay\":{\"batches\":" + replay.batches() + ",\"events\":" + replay.events()
                + ",\"stored\":" + replay.stored() + ",\"duplicates\":" + replay.duplicates()
                + ",\"quarantined\":" + replay.quarantined() + "}";
        if (report == null) {
            return "{" + replayed + "}";
        }
        return "{\"cutoff\":\"" + report.cutoff() + "\",\"partitionsCreated\":" + list(report.partitionsCreated())
                + ",\"partitionsDropped\":" + list(report.partitionsDropped()) + ",\"rowsPruned\":" + report.rowsPruned()
                + ",\"idCutoff\":\"" + report.idCutoff() + "\",\"idsPruned\":" + report.idsPruned()
                + ",\"auditRowsPruned\":" + auditRowsPruned + ",\"accountsReleased\":" + accountsReleased + ",\"oidcNoncesPruned\":" + noncesPruned + "," + replayed + "}";
    }

    /** The Service dimension of this handler's metrics. */
    static final String SERVICE = "paddock-telemetry-maintenance";

    /** At most this many parked batches per run (each one transaction); the next run takes the rest. */
    static final int MAX_BATCHES_PER_RUN = 2000;

    static DynamoDbClient dynamo(Map<String, String> env) {
        var builder = DynamoDbClient.builder()
                .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(10)).build())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(20)));
        String endpoint = env.get("DYNAMODB_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
            if (env.get("AWS_ACCESS_KEY_ID") == null) {
                // DynamoDB Local accepts any credentials.
                builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
            }
        }
        return builder.build();
    }

    static Duration retention(Map<String, String> env) {
        String days = env.getOrDefault("PADDOCK_TELEMETRY_RETENTION_DAYS", "30");
        int value = Integer.parseInt(days.trim());
        if (value < 1 || value > 3650) {
            throw new IllegalArgumentException("PADDOCK_TELEMETRY_RETENTION_DAYS must be 1..3650, got " + days);
        }
        return Duration.ofDays(value);
    }

    static Connection connect(Map<String, String> env) throws SQLException {
        return DirectLogin.fromEnvironment(env).open(Duration.ofSeconds(300));
    }

    private static String list(java.util.List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }
}
