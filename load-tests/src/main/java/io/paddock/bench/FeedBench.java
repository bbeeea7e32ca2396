package io.paddock.bench;

import io.paddock.feed.FeedCursor;
import io.paddock.feed.FeedDocuments.Page;
import io.paddock.feed.FeedQueries;
import io.paddock.shared.db.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Feed latency on the big seed ({@code ./paddock local --seed=big}); run it with load-tests/feed/feed-bench.sh.
 *
 * <ol>
 * <li>JDBC: {@link FeedQueries#home} itself — the production SQL, binding and row reading, through the
 * production pool settings ({@link Database}: prepareThreshold=0) — for random viewers, first page and
 * the page after it. No cache is involved: this is the PostgreSQL cost a cache miss pays. Beside it, its
 * floor: one post read by primary key, for as many random posts.</li>
 * <li>HTTP, through the local stack (filters, rate limiter, Redis cache, JSON): GET /v1/feed/users/{handle}
 * for distinct handles, once (a cache miss: the first page is read from PostgreSQL and stored in Redis)
 * and again right after (a hit), and a third time with the hit's ETag in If-None-Match (304, answered from
 * the tag stored beside the cached page); the same for GET /v1/feed/home of logged-in big users.</li>
 * </ol>
 *
 * Each series is measured once per viewer or handle, sequentially on one connection, after a warm-up on
 * other viewers and handles (JIT, pools); the figures are latencies of single requests, not throughput.
 *
 * <p>Arguments: database URL (postgres://…), API base URL, number of viewers/handles (default 200),
 * random seed (default 2026: the same viewers every run), and optionally a file to write the series' percentiles
 * to as {@code latency} lines (what load-tests/chart/chart.sh draws).
 */
public final class FeedBench {

    static final String USER_ID = "01900b16-0000-7000-8000-%012d";
    static final String PASSWORD = "paddock-demo-2026";
    static final int PAGE = 20;
    static final int WARM_UP = 50;
    /** FeedSettings.cacheTtl's default: a hit series must start within it of its miss series. */
    static final Duration CACHE_TTL = Duration.ofSeconds(30);
    /** {@code latency feed-bench <series> <p50> <p95> <p99> <n>} lines for load-tests/chart (ms). */
    static final List<String> LATENCY_LINES = new ArrayList<>();

    private FeedBench() {
    }

    public static void main(String[] args) throws Exception {
        String databaseUrl = args.length > 0 ? args[0] : "postgres://postgres@127.0.0.1:5432/postgres";
        String base = args.length > 1 ? args[1] : "http://127.0.0.1:3000";
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 2026;

        Database database = BenchDatabase.of(java.util.Map.of("paddock.database.url", databaseUrl, "paddock.database.pool-max-size", "1"));
        int users = bigUsers(database);
        if (users < WARM_UP + count) {
            throw new IllegalStateException("found " + users + " big users; run ./paddock local --seed=big first");
        }
        List<Integer> numbers = new ArrayList<>();
        for (int i = 1; i <= users; i++) {
            numbers.add(i);
        }
        Collections.shuffle(numbers, new Random(seed));
        List<Integer> warmUp = numbers.subList(0, WARM_UP);
        List<Integer> measured = numbers.subList(WARM_UP, WARM_UP + count);
        System.out.printf("feed benchmark: %,d big users, %d measured viewers/handles (random seed %d), page size %d%n",
                users, count, seed, PAGE);

        double homeFirstPageP95 = homeOverJdbc(new FeedQueries(database), warmUp, measured);
        indexLookupFloor(database, warmUp.size(), measured.size(), seed, homeFirstPageP95);
        database.dataSource().close();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        profileOverHttp(http, base, warmUp, measured);
        homeOverHttp(http, base, warmUp, measured.subList(0, Math.min(measured.size(), 50)));
        if (args.length > 4) {
            java.nio.file.Path out = java.nio.file.Path.of(args[4]);
            java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
            java.nio.file.Files.write(out, LATENCY_LINES);
            System.out.println("feed benchmark: " + LATENCY_LINES.size() + " latency lines to " + out);
        }
    }

    // ---- (a) FeedQueries.home over JDBC ----

    /** Prints the series; returns the first page's p95 (ms). */
    static double homeOverJdbc(FeedQueries queries, List<Integer> warmUp, List<Integer> measured) throws Exception {
        for (int n : warmUp) {
            Page first = queries.home(userId(n), null, PAGE);
            if (first.nextCursor() != null) {
                queries.home(userId(n), FeedCursor.decode(first.nextCursor()), PAGE);
            }
        }
        List<Double> firstPages = new ArrayList<>();
        List<Double> secondPages = new ArrayList<>();
        long items = 0;
        for (int n : measured) {
            long start = System.nanoTime();
            Page first = queries.home(userId(n), null, PAGE);
            firstPages.add(millisSince(start));
            items += first.items().size();
            if (first.nextCursor() == null) {
                continue; // a viewer whose feed fits one page has no second page to time
            }
            start = System.nanoTime();
            Page second = queries.home(userId(n), FeedCursor.decode(first.nextCursor()), PAGE);
            secondPages.add(millisSince(start));
            items += second.items().size();
        }
        System.out.println("(a) home feed over JDBC: FeedQueries.home, PostgreSQL only (no cache)");
        print("first page", firstPages);
        print("second page", secondPages);
        chart("home-query-first-page", firstPages);
        chart("home-query-second-page", secondPages);
        System.out.printf("    %.1f items per page on average%n", (double) items / (firstPages.size() + secondPages.size()));
        return percentileOf(firstPages, 95);
    }

    /**
     * The floor of (a): one primary-key lookup of a post (one index probe, one heap row) over the same pool and
     * driver settings, for as many random posts as (a) has viewers. Home-feed query ÷ this is the cost of fusing
     * follows, targets, blocks and hidden posts into one page, over the least a query can cost on this table.
     */
    static void indexLookupFloor(Database database, int warmUp, int count, long seed, double homeFirstPageP95)
            throws Exception {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT setseed(" + (seed % 1000) / 1000.0 + ")");
            try (ResultSet rs = s.executeQuery("SELECT id FROM posts TABLESAMPLE BERNOULLI (1) ORDER BY random() LIMIT "
                    + (warmUp + count))) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        if (ids.size() < warmUp + count) {
            throw new IllegalStateException("found " + ids.size() + " posts to look up; run ./paddock local --seed=big first");
        }
        List<Double> lookups = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            try (Connection c = database.dataSource().getConnection();
                    java.sql.PreparedStatement q = c.prepareStatement(
                            "SELECT id, author_id, body, created_at FROM posts WHERE id = ?")) {
                q.setObject(1, ids.get(i));
                long start = System.nanoTime();
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("post " + ids.get(i) + " is gone");
                    }
                }
                if (i >= warmUp) {
                    lookups.add(millisSince(start));
                }
            }
        }
        System.out.println("(a) floor: one post by primary key (SELECT ... FROM posts WHERE id = ?), same pool and driver");
        print("index lookup", lookups);
        chart("floor-primary-key-lookup", lookups);
        System.out.printf("    home feed first page p95 ÷ index lookup p95: %.1f%n", homeFirstPageP95 / percentileOf(lookups, 95));
    }

    static double percentileOf(List<Double> millis, int p) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return percentile(sorted, p);
    }

    // ---- (b) through the local HTTP stack ----

    static void profileOverHttp(HttpClient http, String base, List<Integer> warmUp, List<Integer> measured) throws Exception {
        Function<Integer, HttpRequest> request = n -> HttpRequest.newBuilder(
                URI.create(base + "/v1/feed/users/big_" + String.format("%05d", n))).timeout(Duration.ofSeconds(30)).GET().build();
        missThenHit(http, "(b) GET /v1/feed/users/{handle} through the local stack", "http-profile", request, warmUp, measured);
    }

    static void homeOverHttp(HttpClient http, String base, List<Integer> warmUp, List<Integer> measured) throws Exception {
        // Logging in costs an Argon2id hash each (tens of ms): a smaller set of viewers, tokens fetched first.
        List<Integer> everyone = new ArrayList<>(warmUp);
        everyone.addAll(measured);
        String[] tokens = new String[everyone.stream().mapToInt(Integer::intValue).max().orElse(0) + 1];
        for (int n : everyone) {
            tokens[n] = login(http, base, n);
        }
        Function<Integer, HttpRequest> request = n -> HttpRequest.newBuilder(URI.create(base + "/v1/feed/home"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + tokens[n]).GET().build();
        missThenHit(http, "(b) GET /v1/feed/home (Bearer) through the local stack", "http-home", request, warmUp, measured);
    }

    /**
     * Every target once (first page not in Redis), then every target again at once (cached), then again with
     * the tag of its answer in {@code If-None-Match} (304: the cache compares tags and sends no body).
     */
    static void missThenHit(HttpClient http, String title, String series, Function<Integer, HttpRequest> request, List<Integer> warmUp,
            List<Integer> measured) throws Exception {
        for (int n : warmUp) {
            send(http, request.apply(n));
            send(http, request.apply(n));
        }
        List<Double> misses = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        long seriesStart = System.nanoTime();
        for (int n : measured) {
            long start = System.nanoTime();
            bodies.add(send(http, request.apply(n)));
            misses.add(millisSince(start));
        }
        double missSeries = millisSince(seriesStart);
        List<Double> hits = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        int differing = 0;
        for (int i = 0; i < measured.size(); i++) {
            long start = System.nanoTime();
            HttpResponse<String> answer = exchange(http, request.apply(measured.get(i)), 200);
            hits.add(millisSince(start));
            tags.add(answer.headers().firstValue("ETag").orElseThrow(() -> new IllegalStateException("no ETag")));
            if (!answer.body().equals(bodies.get(i))) {
                differing++;
            }
        }
        List<Double> revalidations = new ArrayList<>();
        for (int i = 0; i < measured.size(); i++) {
            HttpRequest conditional = HttpRequest.newBuilder(request.apply(measured.get(i)), (name, value) -> true)
                    .header("If-None-Match", tags.get(i)).build();
            long start = System.nanoTime();
            exchange(http, conditional, 304);
            revalidations.add(millisSince(start));
        }
        System.out.println(title + ", " + measured.size() + " distinct targets");
        print("first request (cache miss)", misses);
        print("second request (cache hit)", hits);
        print("third, If-None-Match (304)", revalidations);
        chart(series + "-miss", misses);
        chart(series + "-hit", hits);
        chart(series + "-304", revalidations);
        System.out.printf("    cache hit p50 / 304 p50: %.2f%n", median(hits) / median(revalidations));
        if (differing > 0) {
            System.out.println("    note: " + differing + " second answers differed from the first (a write in between?)");
        }
        if (missSeries > CACHE_TTL.toMillis() * 0.8) {
            System.out.printf("    note: the miss series took %.0f s, near the cache TTL (%d s): early hits may have "
                    + "expired and been misses%n", missSeries / 1000, CACHE_TTL.toSeconds());
        }
    }

    static String login(HttpClient http, String base, int n) throws Exception {
        String body = "{\"email\":\"big_" + String.format("%05d", n) + "@example.org\",\"password\":\"" + PASSWORD + "\"}";
        String answer = send(http, HttpRequest.newBuilder(URI.create(base + "/v1/auth/login")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        Matcher token = Pattern.compile("\"accessToken\"\\s*:\\s*\"([^\"]+)\"").matcher(answer);
        if (!token.find()) {
            throw new IllegalStateException("login of big_" + n + " gave no token: " + answer);
        }
        return token.group(1);
    }

    static String send(HttpClient http, HttpRequest request) throws Exception {
        return exchange(http, request, 200).body();
    }

    static HttpResponse<String> exchange(HttpClient http, HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                    + " (rate limits raised? feed routes served?): " + response.body());
        }
        return response;
    }

    // ---- figures ----

    static double median(List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return percentile(sorted, 50);
    }

    static void print(String series, List<Double> millis) {
        if (millis.isEmpty()) {
            System.out.printf("    %-28s no samples%n", series);
            return;
        }
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf("    %-28s p50 %7.2f ms   p95 %7.2f ms   max %7.2f ms   (n=%d)%n", series,
                percentile(sorted, 50), percentile(sorted, 95), sorted.get(sorted.size() - 1), sorted.size());
    }

    static void chart(String series, List<Double> millis) {
        if (!millis.isEmpty()) {
            List<Double> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            LATENCY_LINES.add(String.format(java.util.Locale.ROOT, "latency feed-bench %s %.3f %.3f %.3f %d", series,
                    percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99), sorted.size()));
        }
    }

    /** Nearest rank: the smallest sample with at least p % of the samples at or below it. */
    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    static UUID userId(int n) {
        return UUID.fromString(String.format(USER_ID, n));
    }

    static int bigUsers(Database database) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM users WHERE id >= '01900b16-0000-7000-8000-000000000000' "
                        + "AND id < '01900b16-0001-0000-0000-000000000000'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
