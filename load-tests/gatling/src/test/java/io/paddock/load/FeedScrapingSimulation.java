package io.paddock.load;

import static io.gatling.javaapi.core.CoreDsl.bodyLength;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Issue 17, simulation 2 — feed scraping. Many viewers, each at its own address (the simulation edge takes it from
 * X-Forwarded-For), read public profile and entity feeds, which the edge caches, while signed-in users read their
 * home feeds, which pass through the edge to the origin (its own Redis cache answers them). Beside them, viewers
 * fetch a static copy of a public page from the same nginx ({@code /__simulation/static/feed-page.json}, simulation
 * edge only; run.sh writes it): the floor of an edge HIT.
 *
 * <p>Prints and writes to target/gatling/feed-scraping.txt: p50/p95/p99 by answer (edge HIT, other public answers,
 * home, static), the edge hit ratio of the public reads ({@code X-Cache}) over the whole run and with a warm cache
 * (every read but each URL's first, which no edge can answer from its cache), origin requests per edge request (a
 * STALE answer counts as one: the edge refreshes that entry from the origin in the background), the mean body size
 * of the HITs and of the static file, the error rate, and issue 17's goals (hit ratio ≥ 99 %, HIT p95 ≤ 2 × the
 * static p95) as figures, never assertions.
 *
 * <p>Assertions: fewer than 0.1 % of requests failed, where a request fails when its status is not the expected one
 * (200 for every read: these viewers stay under every limit), and no request is a 5xx.
 */
public class FeedScrapingSimulation extends Simulation {

    static final boolean BIG = "big".equals(System.getProperty("paddock.seed", Target.SHORT ? "small" : "big"));
    static final String PASSWORD = System.getProperty("paddock.password", "paddock-demo-2026");
    static final int PROFILES = Target.number("profiles", 200, 30);
    static final int ENTITIES = Target.number("entities", 50, 10);
    static final int SIGNED_IN = BIG ? Target.number("signedIn", 30, 30) : 3;
    static final Duration OVER = Target.seconds("seconds", 60, 12);
    static final int VIEWERS_PER_SECOND = Target.number("viewersPerSecond", 20, 10);
    static final int READS_PER_VIEWER = Target.number("readsPerViewer", 10, 5);
    /** Well under the read limit (100 a minute per user): a signed-in user reads its home feed every 2 s. */
    static final Duration HOME_PACE = Duration.ofSeconds(2);
    static final String STATIC_PATH = "/__simulation/static/feed-page.json";
    static final Set<String> ORIGIN_ASKED = ScraperSimulation.ORIGIN_ASKED;
    static final Set<String> FROM_EDGE_CACHE = Set.of("HIT", "STALE", "UPDATING");
    /** Answered from the cache, but the edge asked the origin for a fresh copy in the background meanwhile. */
    static final String REFRESHED_IN_BACKGROUND = "STALE";
    static final Set<String> READ_ONCE = ConcurrentHashMap.newKeySet();

    static final Figures FIGURES = new Figures();
    static final AtomicInteger NEXT_VIEWER = new AtomicInteger();
    static final AtomicInteger NEXT_READER = new AtomicInteger();
    static final List<String> PUBLIC_PATHS = new ArrayList<>();
    static final List<Api.SignedIn> USERS = new ArrayList<>();
    static volatile boolean staticFloor;

    static List<String> handles(int count) {
        return BIG ? IntStream.rangeClosed(1, count).mapToObj(i -> String.format("big_%05d", i)).toList()
                : List.of("ada", "grace", "linus").subList(0, Math.min(3, count));
    }

    static String email(String handle) {
        return BIG ? handle + "@example.org" : handle + "@example.com";
    }

    /** Viewer n's address: 10.x.y.z, one per viewer, never a seeded or special-purpose one. */
    static String viewer(int n) {
        return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (1 + (n & 0xff) % 254);
    }

    @Override
    public void before() {
        List<String> profiles = handles(PROFILES);
        // The small seed has three users: other page sizes are other URLs (other cache keys) of the same feeds.
        int sizes = BIG ? 1 : Math.max(1, PROFILES / profiles.size());
        for (String handle : profiles) {
            for (int size = 0; size < sizes; size++) {
                PUBLIC_PATHS.add("/v1/feed/users/" + handle + (size == 0 ? "" : "?limit=" + size));
            }
        }
        for (String entity : Api.entitiesTargetedBy(profiles, "10.201.0.", ENTITIES)) {
            PUBLIC_PATHS.add("/v1/feed/entities/" + entity);
        }
        List<String> readers = handles(SIGNED_IN);
        for (int i = 0; i < readers.size(); i++) {
            // One address per sign-in: the auth limit (20 a minute) counts per address.
            USERS.add(Api.login(email(readers.get(i)), PASSWORD, "10.200.0." + (1 + i % 250)));
        }
        staticFloor = Api.status(STATIC_PATH, "192.0.2.11") == 200;
        System.out.printf("feed scraping: %d public URLs, %d signed-in readers, static floor %s%n",
                PUBLIC_PATHS.size(), USERS.size(), staticFloor ? "present" : "absent (not a simulation edge run by run.sh)");
    }

    // Viewers keep nothing between requests: no If-None-Match, every read a full GET.
    HttpProtocolBuilder protocol = http.baseUrl(Target.BASE_URL).acceptHeader("application/json").disableCaching();

    static Session record(Session session, String kind) {
        int status = session.getInt("status");
        String cache = session.getString("cache");
        FIGURES.count("status " + status);
        FIGURES.count("cache " + kind + " " + cache);
        if (kind.equals("public") && !READ_ONCE.add(session.getString("path"))) {
            FIGURES.count("warm " + cache);
        }
        if (kind.equals("static") || cache.equals("HIT")) {
            FIGURES.count("bodies " + kind);
            FIGURES.add("bytes " + kind, session.getInt("bytes"));
        }
        FIGURES.time(kind.equals("public") ? (cache.equals("HIT") ? "edge-hit" : "public-other") : kind, session.getInt("rt"));
        return session;
    }

    ScenarioBuilder publicViewers = scenario("public viewers")
            .exec(session -> session.set("viewer", viewer(NEXT_VIEWER.incrementAndGet())))
            .repeat(READS_PER_VIEWER).on(
                    exec(session -> session.set("path", PUBLIC_PATHS.get(ThreadLocalRandom.current().nextInt(PUBLIC_PATHS.size()))))
                            .exec(http("public feed").get("#{path}")
                                    .header("X-Forwarded-For", "#{viewer}")
                                    .check(status().saveAs("status"),
                                            header("X-Cache").withDefault("NONE").saveAs("cache"),
                                            responseTimeInMillis().saveAs("rt"),
                                            bodyLength().saveAs("bytes"),
                                            // Last: a failed check stops the ones after it, and the figures need the three above.
                                            status().is(200)))
                            .exec(session -> record(session, "public"))
                            .doIf(session -> staticFloor && ThreadLocalRandom.current().nextInt(5) == 0).then(
                                    exec(http("static floor").get(STATIC_PATH)
                                            .header("X-Forwarded-For", "#{viewer}")
                                            .check(status().saveAs("status"),
                                                    header("X-Cache").withDefault("NONE").saveAs("cache"),
                                                    responseTimeInMillis().saveAs("rt"),
                                                    bodyLength().saveAs("bytes"),
                                            // Last: a failed check stops the ones after it, and the figures need the three above.
                                            status().is(200)))
                                            .exec(session -> record(session, "static"))));

    ScenarioBuilder signedIn = scenario("signed-in readers")
            .exec(session -> {
                Api.SignedIn user = USERS.get(NEXT_READER.getAndIncrement() % USERS.size());
                return session.set("token", user.accessToken()).set("viewer", user.address());
            })
            .during(OVER).on(pace(HOME_PACE)
                    .exec(http("home feed").get("/v1/feed/home")
                            .header("Authorization", "Bearer #{token}")
                            .header("X-Forwarded-For", "#{viewer}")
                            .check(status().saveAs("status"),
                                    header("X-Cache").withDefault("NONE").saveAs("cache"),
                                    responseTimeInMillis().saveAs("rt"),
                                    status().is(200)))
                    .exec(session -> record(session, "home")));

    {
        setUp(
                publicViewers.injectOpen(constantUsersPerSec(VIEWERS_PER_SECOND).during(OVER)),
                signedIn.injectOpen(rampUsers(SIGNED_IN).during(Duration.ofSeconds(2))))
                .protocols(protocol)
                .assertions(
                        global().failedRequests().percent().lt(0.1),
                        details("home feed").failedRequests().percent().lt(0.1),
                        details("public feed").allRequests().count().gt(0L));
    }

    @Override
    public void after() {
        Map<String, Long> statuses = FIGURES.counts("status ");
        long all = statuses.values().stream().mapToLong(Long::longValue).sum();
        long fiveHundreds = statuses.entrySet().stream().filter(e -> e.getKey().startsWith("5")).mapToLong(Map.Entry::getValue).sum();
        long errors = statuses.entrySet().stream().filter(e -> !e.getKey().equals("200")).mapToLong(Map.Entry::getValue).sum();
        Map<String, Long> publicCache = FIGURES.counts("cache public ");
        long publicAll = publicCache.values().stream().mapToLong(Long::longValue).sum();
        long hits = publicCache.getOrDefault("HIT", 0L);
        long fromCache = publicCache.entrySet().stream().filter(e -> FROM_EDGE_CACHE.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        Map<String, Long> warm = FIGURES.counts("warm ");
        long warmAll = warm.values().stream().mapToLong(Long::longValue).sum();
        long warmFromCache = warm.entrySet().stream().filter(e -> FROM_EDGE_CACHE.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        long origin = publicCache.getOrDefault(REFRESHED_IN_BACKGROUND, 0L);
        for (String kind : List.of("public", "home")) {
            origin += FIGURES.counts("cache " + kind + " ").entrySet().stream()
                    .filter(e -> ORIGIN_ASKED.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }
        long edgeRequests = all;
        List<Double> hit = FIGURES.percentiles("edge-hit");
        List<Double> floor = FIGURES.percentiles("static");
        StringBuilder text = new StringBuilder();
        text.append(String.format("feed scraping (%s seed, %s mode): %d requests, %d public URLs, %d signed-in readers%n",
                BIG ? "big" : "small", Target.SHORT ? "short" : "full", all, PUBLIC_PATHS.size(), USERS.size()));
        text.append(String.format("  statuses %s; error rate %.3f %% (goal < 0.1 %%), 5xx: %d%n", statuses,
                all == 0 ? 0.0 : 100.0 * errors / all, fiveHundreds));
        text.append(String.format("  public reads by X-Cache %s: hit ratio %.2f %% HIT, %.2f %% from the edge cache (HIT, STALE, UPDATING)%n",
                publicCache, publicAll == 0 ? 0.0 : 100.0 * hits / publicAll, publicAll == 0 ? 0.0 : 100.0 * fromCache / publicAll));
        text.append(String.format("  with a warm cache (every read but each of the %d URLs' first) %s: %.2f %% from the edge cache, %.2f %% HIT; goal >= 99 %%%n",
                READ_ONCE.size(), warm, warmAll == 0 ? 0.0 : 100.0 * warmFromCache / warmAll,
                warmAll == 0 ? 0.0 : 100.0 * warm.getOrDefault("HIT", 0L) / warmAll));
        text.append(String.format("  origin requests per edge request: %.4f (%d of %d, each STALE counted as the background refresh it starts; home feeds always pass through)%n",
                edgeRequests == 0 ? 0.0 : (double) origin / edgeRequests, origin, edgeRequests));
        long hitBodies = FIGURES.count("bodies public", 0), staticBodies = FIGURES.count("bodies static", 0);
        text.append(String.format("  mean body bytes: edge HIT %.0f, static file %.0f%n",
                hitBodies == 0 ? 0.0 : (double) FIGURES.count("bytes public", 0) / hitBodies,
                staticBodies == 0 ? 0.0 : (double) FIGURES.count("bytes static", 0) / staticBodies));
        text.append("  response times in ms (kind p50 p95 p99 count):\n");
        for (String kind : List.of("edge-hit", "public-other", "home", "static")) {
            text.append("  ").append(FIGURES.latencyLine("feed-scraping", kind)).append('\n');
        }
        if (!hit.isEmpty() && !floor.isEmpty()) {
            text.append(String.format("  goal: edge HIT p95 %.0f ms vs static file p95 %.0f ms (same nginx; body sizes above): %.2f x (goal <= 2 x)%n",
                    hit.get(1), floor.get(1), floor.get(1) == 0 ? Double.NaN : hit.get(1) / floor.get(1)));
        }
        Figures.write("feed-scraping", text.toString());
        if (fiveHundreds > 0) {
            throw new IllegalStateException("feed scraping: " + fiveHundreds + " answers were 5xx");
        }
    }
}
