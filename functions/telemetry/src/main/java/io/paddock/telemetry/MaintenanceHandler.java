package io.paddock.telemetry;

import com.amazonaws.services.lambda.runtime.Context;
import io.paddock.shared.db.DatabaseUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The scheduled (EventBridge, daily) entry of the telemetry zip. Deliberately not a Quarkus app: a
 * cron job needs one JDBC connection, not the HTTP stack, so its cold start stays small. Reads the
 * same DATABASE_URL / DATABASE_USER / DATABASE_PASSWORD as the functions; PADDOCK_TELEMETRY_RETENTION_DAYS
 * (default 30) sets the retention.
 */
public class MaintenanceHandler {

    /**
     * Lambda calls this by name (Handler: io.paddock.telemetry.MaintenanceHandler::handleRequest). The class
     * does not implement RequestStreamHandler on purpose: Quarkus would take it for a second handler of
     * the HTTP app and refuse to build.
     */
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String json = run(System.getenv());
        System.out.println(json);
        output.write(json.getBytes(StandardCharsets.UTF_8));
    }

    /** One maintenance run with the given environment; the report as a JSON line. */
    String run(Map<String, String> env) {
        UsageEventMaintenance.Report report;
        try (Connection connection = connect(env)) {
            report = new UsageEventMaintenance(Clock.systemUTC(), retention(env)).run(connection);
        } catch (SQLException e) {
            // Fail the invocation so EventBridge's retry and the function's error metric see it.
            throw new IllegalStateException("usage event maintenance failed: " + e.getMessage(), e);
        }
        return "{\"cutoff\":\"" + report.cutoff() + "\",\"partitionsCreated\":" + list(report.partitionsCreated())
                + ",\"partitionsDropped\":" + list(report.partitionsDropped()) + ",\"rowsPruned\":" + report.rowsPruned() + "}";
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
        DatabaseUrl url = DatabaseUrl.parse(env.get("DATABASE_URL"));
        Properties props = new Properties();
        String user = env.getOrDefault("DATABASE_USER", "");
        String password = env.getOrDefault("DATABASE_PASSWORD", "");
        props.setProperty("user", !user.isBlank() ? user : url.username().orElse("postgres"));
        props.setProperty("password", !password.isEmpty() ? password : url.password().orElse(""));
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "300");
        props.setProperty("prepareThreshold", "0");
        return DriverManager.getConnection(url.jdbcUrl(), props);
    }

    private static String list(java.util.List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }
}
