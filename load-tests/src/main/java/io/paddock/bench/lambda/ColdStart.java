package io.paddock.bench.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.db.Migrations;
import io.paddock.embedded.EmbeddedStores;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.auth.SigningKeys;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Lambda cold-start benchmark: every function.zip (the four functions and two baselines) unzipped once,
 * then for each round every subject once (rounds interleave, so a machine busy for a moment does not weigh on
 * one subject only), each in a fresh JVM started by the real AWS Lambda runtime interface client against a
 * Runtime API on 127.0.0.1, on embedded stores holding infra/local's demo data. Prints a table (see README,
 * "Lambda cold start") and writes it to a file.
 *
 * <p>Usage: {@code ColdStart [rounds] [warm invocations]} (default 10 and 200), or load-tests/lambda/cold-start.sh.
 */
public final class ColdStart {

    /**
     * @param rounds how many times each subject is started cold
     * @param warm   invocations after the first one, for the warm percentiles
     * @param output where the table is written too; empty: printed only
     */
    public record Options(int rounds, int warm, Optional<Path> output) {
    }

    /** The demo user whose token signed-in requests carry (infra/local's seed/demo.sql). */
    private static final UUID GRACE = UUID.fromString("01900000-0000-7000-8000-000000000002");
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Every category far above what the warm invocations need (their count would otherwise hit the read
     * limit, 100 a minute, and the per-second burst): the limiter still runs on every request, Redis calls
     * included, it just never refuses.
     */
    private static final String UNLIMITED = "{categories: {auth: {limit: 1000000, burst: 1000000}, "
            + "read: {limit: 1000000, burst: 1000000}, telemetry: {limit: 1000000, burst: 1000000}}}";

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path output = repositoryRoot().resolve("load-tests/target/lambda-cold-start.txt");
        run(new Options(rounds, warm, Optional.of(output)), System.out);
        // DynamoDB Local and Vert.x leave non-daemon threads behind.
        System.exit(0);
    }

    /**
     * Runs the benchmark; fails (an exception naming the subject, with its log) at the first wrong or missing
     * answer.
     *
     * @return every run's figures by subject, subjects in the table's order
     */
    public static Map<String, List<ColdStartRun.Measurement>> run(Options options, PrintStream out) throws Exception {
        Path root = repositoryRoot();
        List<Subject> subjects = chosen(Subject.all(root), System.getenv("PADDOCK_COLD_START_SUBJECTS"));
        List<String> missing = subjects.stream().map(Subject::zip).filter(zip -> !Files.exists(zip))
                .map(Path::toString).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("not built: " + missing
                    + "; build them with ./mvnw -B -q -DskipTests -pl load-tests -am package");
        }
        Path scratch = Files.createTempDirectory("paddock-cold-start");
        Vertx vertx = null;
        try (EmbeddedStores stores = EmbeddedStores.start(EmbeddedStores.Options.ephemeral())) {
            seedDemoData(root, stores.databaseUrl());
            String signingKeys = SigningKeys.generateJwks();
            SigningKeys keys = SigningKeys.parse(Optional.of(signingKeys), Optional.empty());
            // Only issue() is used, which needs neither the revocation list nor a clock skew.
            AccessTokens tokens = new AccessTokens(keys, null, "https://api.paddock.dev", "paddock-api",
                    Duration.ofHours(1), Duration.ofSeconds(60), Clock.systemUTC());
            Map<String, String> common = commonEnvironment(stores, JSON.writeValueAsString(keys.publicJwks()));

            Map<Subject, Path> tasks = new LinkedHashMap<>();
            for (Subject subject : subjects) {
                Path task = scratch.resolve(subject.functionName());
                DeployedFunction.unzip(subject.zip(), task);
                tasks.put(subject, task);
            }
            vertx = Vertx.vertx();
            out.printf("Lambda cold start: %d round(s) of %d subjects, %d warm invocations each; java %s, %s%s%n",
                    options.rounds(), subjects.size(), options.warm(), System.getProperty("java.version"),
                    DeployedFunction.JAVA_TOOL_OPTIONS, priming() ? "; functions primed at init" : "");
            List<ColdStartRun.Measurement> results = new ArrayList<>();
            for (int round = 1; round <= options.rounds(); round++) {
                for (Subject subject : subjects) {
                    Map<String, String> env = new LinkedHashMap<>(common);
                    if (subject.name().equals("auth")) {
                        // as template.yaml: only the auth function holds the private keys
                        env.put("PADDOCK_AUTH_SIGNING_KEYS", signingKeys);
                    }
                    Path log = scratch.resolve(subject.functionName() + "-round-" + round + ".log");
                    ColdStartRun.Measurement m = new ColdStartRun(subject, tasks.get(subject), env,
                            () -> tokens.issue(GRACE, "user").token(), log).measure(vertx, options.warm());
                    out.printf("round %d  %-14s init %,6.0f ms  first answer %,6.0f ms  first invocation %,6.0f ms  RSS %,4d MiB%n",
                            round, subject.name(), m.initNanos() / 1e6, m.firstAnswerNanos() / 1e6,
                            m.firstInvocationNanos() / 1e6, m.rssKiB() / 1024);
                    results.add(m);
                }
            }
            Map<String, List<ColdStartRun.Measurement>> bySubject = ColdStartTable.bySubject(results);
            String table = ColdStartTable.render(bySubject, String.format(
                    "Lambda cold start, %d round(s), %d warm invocations per run%s (medians over rounds; warm "
                            + "percentiles over all warm invocations)", options.rounds(), options.warm(),
                    priming() ? ", functions primed at init (PADDOCK_COLD_START_PRIME)" : ""));
            out.println();
            out.print(table);
            if (options.output().isPresent()) {
                Files.createDirectories(options.output().get().getParent());
                Files.writeString(options.output().get(), table);
                out.println("written to " + options.output().get());
            }
            return bySubject;
        } finally {
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            deleteRecursively(scratch);
        }
    }

    /**
     * Only the subjects named in {@code list} (comma-separated, e.g. "ratelimit"), for measuring one change quickly;
     * the two Quarkus baselines always stay, since the ratios are to them. Empty or null: all.
     */
    static List<Subject> chosen(List<Subject> all, String list) {
        if (list == null || list.isBlank()) {
            return all;
        }
        List<String> names = Arrays.stream(list.split(",")).map(String::strip).toList();
        List<String> baselines = List.of(Subject.QUARKUS_HELLO, Subject.QUARKUS_STORES);
        List<Subject> chosen = all.stream()
                .filter(s -> baselines.contains(s.name()) || names.contains(s.name())).toList();
        if (chosen.size() != names.stream().filter(n -> !baselines.contains(n)).count() + baselines.size()) {
            throw new IllegalArgumentException("PADDOCK_COLD_START_SUBJECTS names an unknown subject: " + list
                    + "; known: " + all.stream().map(Subject::name).toList());
        }
        return chosen;
    }

    static boolean priming() {
        return Boolean.parseBoolean(System.getenv("PADDOCK_COLD_START_PRIME"));
    }

    /** What Lambda and template.yaml give every function, pointed at the embedded stores. */
    private static Map<String, String> commonEnvironment(EmbeddedStores stores, String verificationKeys) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        // Lambda hands the execution role's credentials in these; DynamoDB Local accepts any.
        env.put("AWS_ACCESS_KEY_ID", "cold-start");
        env.put("AWS_SECRET_ACCESS_KEY", "cold-start");
        env.put("DISABLE_SIGNAL_HANDLERS", "true");
        env.put("POWERTOOLS_METRICS_NAMESPACE", "Paddock");
        env.put("POWERTOOLS_LOGGER_SAMPLE_RATE", "0");
        env.put("PADDOCK_ENV", "dev");
        env.put("PADDOCK_AUTH_VERIFICATION_KEYS", verificationKeys);
        env.put("PADDOCK_RATE_LIMITS_POLICIES", UNLIMITED);
        // PADDOCK_COLD_START_PRIME=true: the functions run their SnapStart priming at the end of init, as a snapshot
        // would hold it, so "first invocation" is the first one after priming (the Quarkus hello has none).
        if (priming()) {
            env.put("PADDOCK_SNAPSHOT_PRIME_AT_INIT", "true");
        }
        env.putAll(stores.environment());
        return env;
    }

    private static void seedDemoData(Path root, String databaseUrl) throws IOException {
        String sql = Files.readString(root.resolve("infra/local/src/main/resources/seed/demo.sql"));
        try (Connection connection = Migrations.connect(databaseUrl); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("loading the demo data failed: " + e.getMessage(), e);
        }
    }

    /** The checkout: -Dpaddock.root, else the first directory up from here that holds template.yaml. */
    static Path repositoryRoot() {
        String given = System.getProperty("paddock.root");
        if (given != null) {
            return Path.of(given).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("template.yaml")) && Files.isDirectory(dir.resolve("load-tests"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from inside the Paddock checkout (or set -Dpaddock.root)");
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
