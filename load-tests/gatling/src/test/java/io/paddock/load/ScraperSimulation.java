package io.paddock.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 17, simulation 4 — one aggressive scraper over many URLs. One address walks the public profile feeds of
 * the seeded users with every page size (many distinct cache keys), round after round. What it costs is the
 * origin requests it causes per request it sends: the edge says per answer whether it asked the origin
 * ({@code X-Cache}: MISS, PASS, EXPIRED, REVALIDATED or BYPASS did; HIT, STALE, UPDATING and the WAF's BLOCKED did
 * not). The goal (origin ≤ 5 % of what it sends) is a figure this prints and writes to
 * target/gatling/scraper-origin-share.txt, not an assertion, over the whole run and per 10 s: what reaches the
 * origin is the scraper's limit's worth of 200s, then its 429s until the offender list reaches the edge, then nothing.
 *
 * <p>Assertions: every answer is a 200 or a 429 (nothing else, no 5xx), and every request was sent.
 */
public class ScraperSimulation extends Simulation {

    static final String SCRAPER = Target.address("scraper", "198.51.100.99");
    static final List<String> HANDLES = List.of(System.getProperty("paddock.handles", "grace,ada,linus").split(","));
    static final int PAGE_SIZES = Target.number("pageSizes", 100, 40);
    static final int REQUESTS = Target.number("requests", 3000, 400);
    static final Duration OVER = Target.seconds("seconds", 60, 8);
    static final Set<String> ORIGIN_ASKED = Set.of("MISS", "PASS", "EXPIRED", "REVALIDATED", "BYPASS");

    static final AtomicLong SENT = new AtomicLong();
    static final Duration BUCKET = Duration.ofSeconds(10);
    static final AtomicLong FIRST_ANSWER_NANOS = new AtomicLong();
    /** Per 10 s since the first answer: {sent, reached the origin}. */
    static final Map<Long, long[]> PER_BUCKET = new ConcurrentHashMap<>();
    static final Map<String, AtomicLong> BY_CACHE_STATUS = new ConcurrentHashMap<>();
    /** "status X-Cache": a 429 the edge could not cache is a MISS that reached the origin. */
    static final Map<String, AtomicLong> BY_ANSWER = new ConcurrentHashMap<>();

    // A scraper that keeps nothing: no If-None-Match, every request a full GET (Gatling would revalidate by default).
    HttpProtocolBuilder protocol = http.baseUrl(Target.BASE_URL).acceptHeader("application/json").disableCaching();

    ScenarioBuilder scraper = scenario("scraper")
            .repeat(REQUESTS, "i").on(pace(OVER.dividedBy(REQUESTS))
                    .exec(session -> {
                        int i = session.getInt("i");
                        return session.set("handle", HANDLES.get(i % HANDLES.size()))
                                .set("limit", 1 + (i / HANDLES.size()) % PAGE_SIZES);
                    })
                    .exec(http("feed page (scraper)").get("/v1/feed/users/#{handle}?limit=#{limit}")
                            .header("X-Forwarded-For", SCRAPER)
                            .check(status().in(200, 429).saveAs("status"))
                            .check(header("X-Cache").withDefault("NONE").saveAs("cache")))
                    .exec(session -> {
                        SENT.incrementAndGet();
                        String cache = session.getString("cache");
                        long now = System.nanoTime();
                        FIRST_ANSWER_NANOS.compareAndSet(0, now);
                        long[] bucket = PER_BUCKET.computeIfAbsent((now - FIRST_ANSWER_NANOS.get()) / BUCKET.toNanos(), k -> new long[2]);
                        synchronized (bucket) {
                            bucket[0]++;
                            bucket[1] += ORIGIN_ASKED.contains(cache) ? 1 : 0;
                        }
                        BY_CACHE_STATUS.computeIfAbsent(cache, k -> new AtomicLong()).incrementAndGet();
                        BY_ANSWER.computeIfAbsent(session.getInt("status") + " " + cache, k -> new AtomicLong()).incrementAndGet();
                        return session;
                    }));

    {
        setUp(scraper.injectOpen(atOnceUsers(1)))
                .protocols(protocol)
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("feed page (scraper)").allRequests().count().is((long) REQUESTS));
    }

    @Override
    public void after() {
        Map<String, Long> counts = new TreeMap<>();
        BY_CACHE_STATUS.forEach((status, n) -> counts.put(status, n.get()));
        long origin = counts.entrySet().stream().filter(e -> ORIGIN_ASKED.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        long sent = SENT.get();
        Map<String, Long> answers = new TreeMap<>();
        BY_ANSWER.forEach((answer, n) -> answers.put(answer, n.get()));
        StringBuilder buckets = new StringBuilder();
        new TreeMap<>(PER_BUCKET).forEach((n, bucket) -> buckets.append(String.format("%s%d-%d s %d of %d (%.1f %%)",
                buckets.isEmpty() ? "" : "; ", n * BUCKET.toSeconds(), (n + 1) * BUCKET.toSeconds(), bucket[1], bucket[0],
                bucket[0] == 0 ? 0.0 : 100.0 * bucket[1] / bucket[0])));
        String figure = String.format("scraper %s: %d requests sent, %d reached the origin (%.1f %%); by status and X-Cache: %s%n"
                + "  reached the origin per 10 s: %s%n",
                SCRAPER, sent, origin, sent == 0 ? 0.0 : 100.0 * origin / sent, answers, buckets);
        System.out.print(figure);
        try {
            Path out = Path.of(System.getProperty("paddock.resultsDir", "../target/gatling"), "scraper-origin-share.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, figure);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
