package io.paddock.local;

import io.paddock.edge.OffenderFile;
import io.paddock.ratelimit.edge.EdgeBlockSync;
import io.paddock.ratelimit.edge.EdgeBlocklist;
import io.paddock.shared.db.DirectLogin;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What EdgeBlockSyncFunction does every minute in AWS, for the edge stand-in: the same {@link EdgeBlockSync}
 * pass over edge_blocks, with the offender list file of {@code ./paddock edge} in place of the WAF IP sets
 * ({@code ./paddock local --behind-edge}). nginx reads the file when it reloads, which {@code ./paddock edge}
 * does when the file changes.
 */
public final class EdgeOffenderSync {

    private final DirectLogin database;
    private final EdgeBlocklist list;

    public EdgeOffenderSync(String databaseUrl, Path offenderFile) {
        // The app's own sign-in (DATABASE_USER, DATABASE_PASSWORD, ... when an external database is named).
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DATABASE_URL", databaseUrl);
        this.database = DirectLogin.fromEnvironment(env);
        OffenderFile file = new OffenderFile(offenderFile);
        this.list = new EdgeBlocklist() {
            @Override
            public Set<String> addresses() {
                return file.addresses();
            }

            @Override
            public void replace(Set<String> cidrs) {
                file.replace(cidrs);
            }
        };
    }

    /** One pass: expired blocks forgotten, the file made equal to the active ones. */
    public EdgeBlockSync.Report runOnce() throws SQLException {
        try (Connection connection = database.open(Duration.ofSeconds(10))) {
            return new EdgeBlockSync().sync(connection, list, Instant.now());
        }
    }

    /** Runs a pass now and then every {@code period} on a daemon thread; a failed pass is reported and retried next time. */
    public void start(Duration period) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "paddock-edge-offender-sync");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                EdgeBlockSync.Report report = runOnce();
                if (report.replaced()) {
                    System.out.println("paddock local: edge offender list now blocks " + report.added().size() + " more, "
                            + report.removed().size() + " fewer (" + (report.added().size() + report.unchanged().size()) + " in all)");
                }
            } catch (SQLException | RuntimeException e) {
                System.err.println("paddock local: edge offender sync failed (next try in " + period.toSeconds() + " s): " + e.getMessage());
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }
}
