package io.paddock.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Issue 17, simulation 5 — soak. Mixed traffic for {@code PADDOCK_SOAK_MINUTES} (default 10; short mode 25 s):
 * anonymous viewers reading public feeds through the edge, sign-ins, and signed-in users reading their home feeds,
 * publishing posts, acting on posts and sending usage-event batches — each user well under every limit, so every
 * answer has one expected status.
 *
 * <p>Printed and written to target/gatling/soak.txt: p95 per minute (per 5 s in short mode) of what reached the
 * origin and of everything; and the origin's heap after a full GC, PostgreSQL's client connections and Redis'
 * used_memory ({@link OriginProbe}) before the load, after the warm-up (the first period: JIT, pools and caches
 * filled), every period, and after the load. Heap after GC and connections are flat when the last reading is at
 * most 10 % above the warm-up reading (issue 17's goal, judged on growth, which is what a leak looks like: the first
 * full run ended 10.1 % below it, warm-up objects collected; connections may also grow by one, a pool's one more on
 * a handful); Redis memory is reported only: every feed answer is remembered there for a day on purpose
 * ({@code PADDOCK_FEED_SERVED_TTL}), so it grows with the requests, bounded by that TTL.
 *
 * <p>Assertions: no request failed its status check. In full mode, the run also fails when heap after GC or
 * connections are not flat (a leak is a correctness property, not a time); in short mode that verdict is printed
 * only — 25 s is too short for a warm-up reading to mean anything.
 */
public class SoakSimulation extends Simulation {

    static final Duration OVER = Duration.ofSeconds(Target.SHORT ? Target.number("soakSeconds", 25, 25)
            : 60L * Integer.getInteger("paddock.soakMinutes", 10));
    static final Duration PERIOD = Duration.ofSeconds(Target.SHORT ? 5 : 60);
    static final int VIEWERS_PER_SECOND = Target.number("viewersPerSecond", 10, 10);
    static final List<String> HANDLES = List.of("ada", "grace", "linus");
    static final String PASSWORD = System.getProperty("paddock.password", "paddock-demo-2026");
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final double FLAT = 0.10;

    static final OriginProbe PROBE = new OriginProbe();
    static final List<OriginProbe.Reading> READINGS = new CopyOnWriteArrayList<>();
    static final List<Api.SignedIn> USERS = new ArrayList<>();
    static final List<String> PUBLIC_PATHS = new ArrayList<>();
    static final AtomicInteger NEXT_VIEWER = new AtomicInteger();
    static final AtomicInteger NEXT_USER = new AtomicInteger();
    static final AtomicInteger NEXT_SIGN_IN = new AtomicInteger();
    /** Response times per period: "origin" (what the edge passed on or missed) and "all". */
    static final ConcurrentHashMap<Long, Figures> PERIODS = new ConcurrentHashMap<>();
    static volatile long startMillis;
    static ScheduledExecutorService sampler;

    @Override
    public void before() {
        for (int i = 0; i < HANDLES.size(); i++) {
            USERS.add(Api.login(HANDLES.get(i) + "@example.com", PASSWORD, "10.210.0." + (1 + i)));
        }
        for (String handle : HANDLES) {
            for (int size = 0; size <= 10; size++) {
                PUBLIC_PATHS.add("/v1/feed/users/" + handle + (size == 0 ? "" : "?limit=" + size));
            }
        }
        for (String entity : Api.entitiesTargetedBy(HANDLES, "10.211.0.", 10)) {
            PUBLIC_PATHS.add("/v1/feed/entities/" + entity);
        }
        System.out.printf("soak: %s of mixed traffic, readings every %d s (%s)%n", OVER, PERIOD.toSeconds(), PROBE.sources());
        READINGS.add(PROBE.read(0));
        startMillis = System.currentTimeMillis();
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-probe");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(() -> READINGS.add(PROBE.read(System.currentTimeMillis() - startMillis)),
                PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    HttpProtocolBuilder protocol = http.baseUrl(Target.BASE_URL).acceptHeader("application/json")
            .contentTypeHeader("application/json").disableCaching();

    static Session record(Session session) {
        long period = (System.currentTimeMillis() - startMillis) / PERIOD.toMillis();
        Figures figures = PERIODS.computeIfAbsent(period, p -> new Figures());
        int millis = session.getInt("rt");
        figures.time("all", millis);
        String cache = session.getString("cache");
        if (ScraperSimulation.ORIGIN_ASKED.contains(cache)) {
            figures.time("origin", millis);
        }
        return session;
    }

    static ChainBuilder timed(HttpRequestActionBuilder request) {
        return exec(request.check(responseTimeInMillis().saveAs("rt"),
                        io.gatling.javaapi.http.HttpDsl.header("X-Cache").withDefault("NONE").saveAs("cache")))
                .exec(SoakSimulation::record);
    }

    static Function<Session, String> bearer = session -> "Bearer " + session.getString("token");

    ScenarioBuilder viewers = scenario("anonymous viewers")
            .exec(session -> session.set("viewer", FeedScrapingSimulation.viewer(NEXT_VIEWER.incrementAndGet()))
                    .set("path", PUBLIC_PATHS.get(ThreadLocalRandom.current().nextInt(PUBLIC_PATHS.size()))))
            .exec(timed(http("public feed").get("#{path}").header("X-Forwarded-For", "#{viewer}").check(status().is(200))));

    // One sign-in every 2 s, each from its own address (the auth limit counts 20 a minute per address).
    ScenarioBuilder signIns = scenario("sign-ins")
            .exec(session -> {
                int n = NEXT_SIGN_IN.incrementAndGet();
                return session.set("email", HANDLES.get(n % HANDLES.size()) + "@example.com")
                        .set("viewer", "10.220." + ((n >> 8) & 0xff) + "." + (1 + n % 254));
            })
            .exec(timed(http("sign-in").post("/v1/auth/login").header("X-Forwarded-For", "#{viewer}")
                    .body(StringBody("{\"email\":\"#{email}\",\"password\":\"" + PASSWORD + "\"}"))
                    .check(status().is(200))));

    // Each signed-in user, every 6 s: its home feed, an action on the newest post there, a batch of 10 impressions;
    // every 4th round a post. Per minute: 10 reads (limit 100), 10 actions (mutation 20), 2 or 3 posts (write 30),
    // 10 batches (telemetry 600).
    ScenarioBuilder members = scenario("signed-in users")
            .exec(session -> {
                Api.SignedIn user = USERS.get(NEXT_USER.getAndIncrement() % USERS.size());
                return session.set("token", user.accessToken()).set("viewer", user.address()).set("round", 0);
            })
            .during(OVER).on(pace(Duration.ofSeconds(6))
                    .exec(timed(http("home feed").get("/v1/feed/home").header("Authorization", bearer)
                            .header("X-Forwarded-For", "#{viewer}")
                            .check(status().is(200), io.gatling.javaapi.core.CoreDsl.jsonPath("$.items[0].id").optional().saveAs("postId"),
                                    io.gatling.javaapi.http.HttpDsl.header("X-Request-Id").saveAs("feedRequestId"))))
                    .doIf(session -> session.contains("postId")).then(
                            timed(http("action").post("/v1/posts/#{postId}/actions").header("Authorization", bearer)
                                    .header("X-Forwarded-For", "#{viewer}")
                                    .header("Idempotency-Key", session -> "soak-" + RUN + "-" + session.userId() + "-" + session.getInt("round"))
                                    .body(StringBody(session -> "{\"type\":\"" + (session.getInt("round") % 2 == 0 ? "like" : "save") + "\"}"))
                                    .check(status().is(204))),
                            timed(http("telemetry batch").post("/v1/events").header("Authorization", bearer)
                                    .header("X-Forwarded-For", "#{viewer}")
                                    .body(StringBody(SoakSimulation::impressions))
                                    .check(status().is(202))))
                    .doIf(session -> session.getInt("round") % 4 == 0).then(
                            timed(http("post").post("/v1/posts").header("Authorization", bearer)
                                    .header("X-Forwarded-For", "#{viewer}")
                                    .body(StringBody(session -> "{\"body\":\"Soak " + RUN + " round " + session.getInt("round") + "\"}"))
                                    .check(status().is(201))))
                    .exec(session -> session.set("round", session.getInt("round") + 1)));

    static String impressions(Session session) {
        StringBuilder events = new StringBuilder("{\"events\":[");
        String now = Instant.now().toString();
        for (int i = 0; i < 10; i++) {
            events.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(UUID.randomUUID())
                    .append("\",\"type\":\"impression\",\"itemId\":\"post:").append(session.getString("postId"))
                    .append("\",\"surface\":\"home\",\"feedRequestId\":\"").append(session.getString("feedRequestId"))
                    .append("\",\"occurredAt\":\"").append(now).append("\"}");
        }
        return events.append("]}").toString();
    }

    {
        setUp(
                viewers.injectOpen(constantUsersPerSec(VIEWERS_PER_SECOND).during(OVER)),
                signIns.injectOpen(constantUsersPerSec(0.5).during(OVER)),
                members.injectOpen(rampUsers(USERS_AT_ONCE).during(Duration.ofSeconds(3))))
                .protocols(protocol)
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("home feed").successfulRequests().count().gt(0L),
                        details("telemetry batch").successfulRequests().count().gt(0L));
    }

    static final int USERS_AT_ONCE = 3;

    @Override
    public void after() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(90, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        READINGS.add(PROBE.read(System.currentTimeMillis() - startMillis));
        StringBuilder text = new StringBuilder(String.format("soak (%s mode): %d s of mixed traffic; %s%n",
                Target.SHORT ? "short" : "full", OVER.toSeconds(), PROBE.sources()));
        text.append(String.format("  p95 per %d s (ms): period, all answers p50/p95/p99 (n), origin answers p50/p95/p99 (n)%n", PERIOD.toSeconds()));
        PERIODS.keySet().stream().sorted().forEach(period -> {
            Figures figures = PERIODS.get(period);
            text.append(String.format("  %3d  %s   %s%n", period, triple(figures.percentiles("all")), triple(figures.percentiles("origin"))));
        });
        text.append("  readings: at s, heap after GC MB, PostgreSQL client connections, Redis used_memory MB\n");
        for (OriginProbe.Reading r : READINGS) {
            text.append(String.format("  %5d  %s  %s  %s%n", r.atMillis() / 1000, mb(r.heapAfterGcBytes()),
                    r.postgresConnections().isPresent() ? String.valueOf(r.postgresConnections().getAsLong()) : "-", mb(r.redisUsedMemoryBytes())));
        }
        List<String> notFlat = new ArrayList<>();
        String verdict;
        if (READINGS.size() < 3 || !PROBE.local()) {
            verdict = "no verdict: no warm-up and end readings of the origin (not a stack run.sh started)";
        } else {
            // The baseline is the first reading under load: before it the JVM had not compiled, pooled or cached anything.
            OriginProbe.Reading warm = READINGS.get(1);
            OriginProbe.Reading end = READINGS.get(READINGS.size() - 1);
            flat("heap after GC", warm.heapAfterGcBytes(), end.heapAfterGcBytes(), 0, text, notFlat);
            flat("PostgreSQL connections", warm.postgresConnections(), end.postgresConnections(), 1, text, notFlat);
            verdict = notFlat.isEmpty() ? "flat: heap after GC and connections ended at most 10 % above the warm-up reading"
                    : "NOT flat: " + String.join(", ", notFlat);
        }
        text.append("  ").append(verdict).append('\n');
        text.append("  ").append(latencyLine("all")).append('\n');
        text.append("  ").append(latencyLine("origin")).append('\n');
        Figures.write("soak", text.toString());
        if (!Target.SHORT && !notFlat.isEmpty()) {
            throw new IllegalStateException("soak: " + verdict);
        }
    }

    private static String latencyLine(String kind) {
        Figures all = new Figures();
        PERIODS.values().forEach(f -> f.copyTo(all));
        return all.latencyLine("soak", kind);
    }

    private static void flat(String what, OptionalLong warm, OptionalLong end, long slack, StringBuilder text, List<String> notFlat) {
        if (warm.isEmpty() || end.isEmpty()) {
            notFlat.add(what + " not read");
            return;
        }
        double change = warm.getAsLong() == 0 ? 0 : (end.getAsLong() - warm.getAsLong()) / (double) warm.getAsLong();
        // Growth is what a leak looks like; ending lower (warm-up objects collected) is no failure, only printed.
        boolean ok = change <= FLAT || end.getAsLong() - warm.getAsLong() <= slack;
        text.append(String.format("  %s: warm-up %d, end %d (%+.1f %%)%s%n", what, warm.getAsLong(), end.getAsLong(), 100 * change,
                ok ? (change < -FLAT ? " — lower than the warm-up reading, not a leak" : "") : " — grew more than 10 %"));
        if (!ok) {
            notFlat.add(what);
        }
    }

    private static String triple(List<Double> p) {
        return p.isEmpty() ? "-" : String.format("%.0f/%.0f/%.0f (%.0f)", p.get(0), p.get(1), p.get(2), p.get(3));
    }

    private static String mb(OptionalLong bytes) {
        return bytes.isPresent() ? String.format("%.1f", bytes.getAsLong() / 1048576.0) : "-";
    }
}
