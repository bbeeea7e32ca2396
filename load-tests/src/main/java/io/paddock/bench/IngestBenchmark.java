package io.paddock.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paddock.embedded.EmbeddedStores;
import io.paddock.shared.db.Database;
import io.paddock.telemetry.EventStore;
import io.paddock.telemetry.UsageEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.PGConnection;

/**
 * Usage-event ingest throughput on an embedded PostgreSQL (the app's migrations, fsync off), next to raw
 * COPY of the same rows in the same run. Every score is in <b>events per second</b>: each invocation
 * writes a whole batch and {@link OperationsPerInvocation} tells JMH how many events that is, so JMH's
 * "ops/s" column is events/s (batches/s = score / batch size).
 *
 * <ul>
 * <li>{@code insertViaEventStore_100}: the app's path, {@link EventStore#insert} of 100 events as one
 * signed-in user: one transaction, set_config of role paddock_app and app.user_id (row-level security
 * applies), one INSERT of the batch as column arrays that first claims each event id in usage_event_ids and
 * stores the events whose id was new. Through the production pool ({@link Database}, built from the same
 * settings a function gets).</li>
 * <li>{@code copy_100}: the same 100 rows (same columns, values and shape; {@code actor} is generated and
 * {@code received_at} defaults, as for the INSERT) through {@code CopyManager.copyIn} — COPY … FROM STDIN,
 * text format — in one transaction through the same pool, after the same app.* settings.
 * <b>Not</b> as paddock_app: PostgreSQL refuses COPY FROM into a table whose row-level security applies
 * to the current role ("COPY FROM not supported with row-level security"), so COPY runs as the login
 * (the embedded superuser, which bypasses RLS). No ON CONFLICT either (COPY has none); every eventId is
 * fresh, so the INSERT arm never hits a duplicate and both write every row (COPY claims no ids: it
 * writes the events only, the INSERT arm writes ids too).</li>
 * <li>{@code copy_10000}: the ceiling, 10,000 such rows in one COPY.</li>
 * </ul>
 *
 * Each iteration starts from an empty usage_events and usage_event_ids (TRUNCATE, CHECKPOINT), so every arm writes into the
 * same table sizes. One thread (a function container has one request in flight; {@code -t} changes it).
 * Run with load-tests/telemetry/ingest-bench.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
// EmbeddedStores brings Quarkus classes that log through JBoss LogManager; name it before anything logs.
@Fork(value = 1, jvmArgsAppend = "-Djava.util.logging.manager=org.jboss.logmanager.LogManager")
public class IngestBenchmark {

    static final int BATCH = 100;
    static final int BULK = 10_000;
    static final String[] TYPES = {"impression", "impression", "impression", "dwell_start", "dwell_end", "click"};
    static final String[] LANES = {"following", "for_you", "trending"};
    static final String COPY = "COPY usage_events (event_id, user_id, anonymous_id, type, item_id, surface, lane, "
            + "feed_request_id, occurred_at, meta) FROM STDIN";
    /** EventStore's settings minus the role switch (see the class comment). */
    static final String SETTINGS = "SELECT set_config('app.user_id', ?, true), set_config('app.anonymous_id', '', true), "
            + "set_config('app.role', 'user', true)";

    private EmbeddedStores stores;
    private Database database;
    private EventStore store;
    private EventStore.Actor actor;

    @Setup(Level.Trial)
    public void start() {
        stores = EmbeddedStores.start(EmbeddedStores.Options.ephemeral());
        try {
            database = BenchDatabase.of(stores.configuration());
        } catch (RuntimeException | Error e) {
            stores.close(); // JMH runs no @TearDown after a failed @Setup: do not leave a PostgreSQL behind
            throw e;
        }
        store = new EventStore(database);
        actor = new EventStore.Actor(UUID.randomUUID(), null, false);
    }

    @TearDown(Level.Trial)
    public void stop() {
        database.dataSource().close();
        stores.close();
    }

    /** Every iteration writes into an empty table, whatever the arm and however fast it is. */
    @Setup(Level.Iteration)
    public void emptyTable() throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE usage_events, usage_event_ids");
            s.execute("CHECKPOINT");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int insertViaEventStore_100() throws SQLException {
        return expect(BATCH, store.insert(actor, events(BATCH)));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long copy_100() throws SQLException {
        return expect(BATCH, copy(events(BATCH)));
    }

    @Benchmark
    @OperationsPerInvocation(BULK)
    public long copy_10000() throws SQLException {
        return expect(BULK, copy(events(BULK)));
    }

    long copy(List<UsageEvent> events) throws SQLException {
        byte[] rows = copyText(actor.userId(), events).getBytes(StandardCharsets.UTF_8);
        return database.inTransaction(connection -> {
            try (PreparedStatement settings = connection.prepareStatement(SETTINGS)) {
                settings.setString(1, actor.userId().toString());
                settings.execute();
            }
            try {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new ByteArrayInputStream(rows));
            } catch (IOException e) {
                throw new SQLException("COPY failed: " + e.getMessage(), e);
            }
        });
    }

    /** The rows EventStore.insert would write for a signed-in user, in COPY's text format. */
    static String copyText(UUID userId, List<UsageEvent> events) {
        StringBuilder out = new StringBuilder(events.size() * 256);
        for (UsageEvent e : events) {
            out.append(e.eventId()).append('\t').append(userId).append('\t');
            field(out, null).append('\t');
            field(out, e.type()).append('\t');
            field(out, e.itemId()).append('\t');
            field(out, e.surface()).append('\t');
            field(out, e.lane()).append('\t');
            field(out, e.feedRequestId()).append('\t');
            out.append(e.occurredAt()).append('\t');
            field(out, e.meta().toString()).append('\n');
        }
        return out.toString();
    }

    private static StringBuilder field(StringBuilder out, String value) {
        if (value == null) {
            return out.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out;
    }

    /** A feed session's worth of fresh events: new eventIds, occurredAt just now (this month's partition). */
    static List<UsageEvent> events(int n) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Instant now = Instant.now();
        String feedRequestId = UUID.randomUUID().toString();
        String lane = LANES[random.nextInt(LANES.length)];
        List<UsageEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ObjectNode meta = JsonNodeFactory.instance.objectNode();
            meta.put("position", i % 20);
            meta.put("dwellMs", random.nextInt(60_000));
            meta.put("client", "ios/4.2.0");
            events.add(new UsageEvent(UUID.randomUUID(), null, TYPES[random.nextInt(TYPES.length)],
                    "post_" + random.nextInt(1_000_000), "home", lane, feedRequestId, now.minusMillis(n - i), meta));
        }
        return events;
    }

    private static <T extends Number> T expect(int rows, T written) {
        if (written.longValue() != rows) {
            throw new IllegalStateException("wrote " + written + " of " + rows + " rows (a duplicate eventId?)");
        }
        return written;
    }
}
