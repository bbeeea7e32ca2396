package io.paddock.local.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.db.Migrations;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.paddock.telemetry.ParkedBatches;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A steady, realistic request load from a few client threads while one store is stopped and started:
 * healthy (about 1 s) → store stopped (about 3 s) → store started, until every request kind has
 * succeeded again (at most 5 s) → about 1 s more. Every request is recorded (kind, phase, status,
 * latency, whether it was served degraded). Clients behave as the contract asks of them: a post is one
 * logical post with one Idempotency-Key, retried with the same key and body after a 503 (or 409/429)
 * until accepted; an event batch is retried with the same event ids after a 503.
 */
final class SteadyLoad {

    enum Store {
        POSTGRES("postgres"), REDIS("redis"), DYNAMODB("dynamodb"); // the order of GET /v1/health's checks

        final String check;

        Store(String check) {
            this.check = check;
        }
    }

    /** What a client does, the answer that means success, and the stores its normal path uses. */
    enum Kind {
        HEALTH("health", 200, false, EnumSet.noneOf(Store.class)),
        FEED_HOME("feed-home", 200, true, EnumSet.of(Store.REDIS, Store.POSTGRES)),
        FEED_PROFILE("feed-profile", 200, true, EnumSet.of(Store.REDIS, Store.POSTGRES)),
        POST("post", 201, true, EnumSet.allOf(Store.class)),
        POST_UNKEYED("post-unkeyed", 201, true, EnumSet.of(Store.REDIS, Store.POSTGRES)),
        TELEMETRY("telemetry", 202, true, EnumSet.of(Store.REDIS, Store.POSTGRES)),
        LOGIN("login", 200, true, EnumSet.allOf(Store.class)),
        REFRESH("refresh", 200, true, EnumSet.allOf(Store.class));

        final String label;
        final int success;
        final boolean rateLimited;
        final Set<Store> needs;

        Kind(String label, int success, boolean rateLimited, Set<Store> needs) {
            this.label = label;
            this.success = success;
            this.rateLimited = rateLimited;
            this.needs = needs;
        }
    }

    enum Phase { HEALTHY, STOPPING, DOWN, STARTING, RECOVERING, SETTLED, DRAIN }

    /** A store outage: how to cause it and how to end it. */
    record Fault(String name, Store store, Runnable stop, Runnable start) {
    }

    /**
     * One request and its answer. {@code status} 0: no answer within {@link #ANSWER_TIMEOUT} (a hang).
     * {@code note}: the health checks' states, a telemetry receipt, or the start of an unexpected body.
     */
    record Sample(Kind kind, int client, Phase sentIn, Phase answeredIn, long sentAt, long answeredAt, int status,
            String retryAfter, String contentType, boolean rateLimitHeaders, boolean requestId, boolean degraded, String note) {

        long latencyMs() {
            return TimeUnit.NANOSECONDS.toMillis(answeredAt - sentAt);
        }

        /** Sent and answered in {@code phase}: held to that phase's expectations. */
        boolean within(Phase phase) {
            return sentIn == phase && answeredIn == phase;
        }

        boolean succeeded() {
            return status == kind.success;
        }

        @Override
        public String toString() {
            return kind.label + " " + status + " (" + sentIn + "→" + answeredIn + ", " + latencyMs() + " ms"
                    + (retryAfter == null ? "" : ", Retry-After " + retryAfter)
                    + (contentType == null ? "" : ", " + contentType)
                    + (note == null || note.isEmpty() ? "" : ", " + note) + ")";
        }
    }

    static final Duration HEALTHY_FOR = Duration.ofSeconds(1);
    static final Duration DOWN_FOR = Duration.ofSeconds(3);
    static final Duration RECOVERY_LIMIT = Duration.ofSeconds(5);
    static final Duration SETTLED_FOR = Duration.ofSeconds(1);
    /** Anything slower than this is a hang, not an answer. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    static final String PASSWORD = "fault injection keeps its promises";
    private static final long PACE_MS = 20;
    /** A client retries a refused post or batch after Retry-After, but at most this long: recovery is measured. */
    private static final long RETRY_PAUSE_MS = 250;
    private static final int AUTHORS_PER_CLIENT = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private final List<Kind> kinds;
    private final List<Client> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger nextAddress = new AtomicInteger();
    private final int addressBlock = ThreadLocalRandom.current().nextInt(1, 250);
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final String loginEmail;
    private volatile Phase phase = Phase.HEALTHY;
    private final Map<Phase, Map<Kind, Integer>> sentPerPhase = new java.util.EnumMap<>(Phase.class);
    private int tieBreak;
    private volatile boolean running;

    /** Users written straight into PostgreSQL (tokens minted by the app's own signer); one account registered over HTTP for logins. */
    SteadyLoad(URI base, Database database, AccessTokens tokens, int clientCount, List<Kind> kinds) {
        this.base = base;
        this.kinds = List.copyOf(kinds);
        String handle = "fl_" + runId + "_" + UUID.randomUUID().toString().substring(0, 6);
        this.loginEmail = handle + "@example.com";
        HttpResponse<String> registered = send(HttpRequest.newBuilder(base.resolve("/v1/auth/register"))
                .POST(body("{\"email\":\"" + loginEmail + "\",\"password\":\"" + PASSWORD + "\",\"handle\":\"" + handle + "\"}")));
        if (registered.statusCode() != 201) {
            throw new IllegalStateException("the login account was not registered: " + registered.statusCode() + " " + registered.body());
        }
        TestUsers users = new TestUsers(database.dataSource(), tokens);
        for (int i = 0; i < clientCount; i++) {
            List<Author> authors = new ArrayList<>();
            for (int a = 0; a < AUTHORS_PER_CLIENT; a++) {
                TestUser author = users.user();
                authors.add(new Author(author.id(), author.handle(), author.token()));
            }
            Client client = new Client(i, authors);
            if (kinds.contains(Kind.REFRESH)) {
                HttpResponse<String> login = send(loginRequest());
                if (login.statusCode() != 200) {
                    throw new IllegalStateException("login before the load failed: " + login.statusCode() + " " + login.body());
                }
                client.refreshToken = field(login.body(), "refreshToken");
            }
            clients.add(client);
        }
    }

    /**
     * Runs the load through the phases around {@code fault}. The store is always started again, and
     * this returns only once {@code GET /v1/health} is ok again, so later tests find every store up.
     */
    Result run(Fault fault) {
        long started = System.nanoTime();
        Long stopped = null;
        Long restarted = null;
        Long stopTook = null;
        Long startTook = null;
        Long recovered = null;
        boolean stopAttempted = false;
        List<Thread> threads = new ArrayList<>();
        running = true;
        try {
            for (Client client : clients) {
                Thread t = Thread.ofPlatform().daemon().name("steady-load-" + fault.name() + "-" + client.index)
                        .start(() -> client.loop(fault));
                threads.add(t);
            }
            long healthySince = System.nanoTime();
            awaitCondition(Duration.ofSeconds(20), () -> elapsed(healthySince) >= HEALTHY_FOR.toNanos()
                    && kinds.stream().allMatch(k -> count(k, s -> s.within(Phase.HEALTHY) && s.succeeded()) > 0),
                    () -> "every request kind succeeding before the fault; " + diagnosis());

            phase = Phase.STOPPING;
            long stopAt = System.nanoTime();
            stopAttempted = true;
            fault.stop().run();
            stopped = System.nanoTime();
            stopTook = stopped - stopAt;
            phase = Phase.DOWN;
            long downSince = stopped;
            // About 3 s; longer only while some kind has not yet been answered entirely inside the outage
            // (requests that wait for a dead store's time limits are slow, so fewer go round).
            awaitUntil(Duration.ofSeconds(10), () -> elapsed(downSince) >= DOWN_FOR.toNanos()
                    && kinds.stream().allMatch(k -> count(k, s -> s.within(Phase.DOWN)) >= 1));

            phase = Phase.STARTING;
            long startAt = System.nanoTime();
            try {
                fault.start().run();
            } finally {
                restarted = System.nanoTime();
                startTook = restarted - startAt;
                phase = Phase.RECOVERING;
            }
            long since = restarted;
            awaitUntil(RECOVERY_LIMIT, () -> kinds.stream().allMatch(k -> firstSuccessAfter(k, since) != null));
            if (kinds.stream().allMatch(k -> firstSuccessAfter(k, since) != null)) {
                recovered = kinds.stream().mapToLong(k -> firstSuccessAfter(k, since)).max().orElse(since);
            }
            phase = Phase.SETTLED;
            long settledSince = System.nanoTime();
            awaitUntil(Duration.ofSeconds(5), () -> elapsed(settledSince) >= SETTLED_FOR.toNanos());
        } finally {
            running = false;
            for (Thread t : threads) {
                try {
                    t.join(ANSWER_TIMEOUT.toMillis() + 5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (stopAttempted && restarted == null) {
                try {
                    fault.start().run();
                } catch (RuntimeException e) {
                    System.err.println("fault=" + fault.name() + ": the store did not start again: " + e);
                }
            }
            phase = Phase.DRAIN;
            drainRetries(fault);
            awaitCondition(Duration.ofSeconds(30), () -> healthStatus() == 200, () -> "GET /v1/health ok again after " + fault.name());
        }
        return new Result(fault, List.copyOf(samples), kinds, stopTook, startTook,
                recovered == null ? null : Duration.ofNanos(recovered - restarted), elapsed(started),
                clients.stream().flatMap(c -> c.acceptedPosts.stream()).toList(),
                clients.stream().flatMap(c -> c.authors.stream()).map(Author::id).toList(),
                clients.stream().flatMap(c -> c.acceptedEvents.stream()).toList(),
                clients.stream().map(c -> c.anonymousId).toList(),
                clients.stream().flatMap(c -> c.pendingPost == null ? java.util.stream.Stream.empty() : java.util.stream.Stream.of(c.pendingPost.body)).toList(),
                clients.stream().mapToInt(c -> c.pendingBatch == null ? 0 : c.pendingBatch.ids.size()).sum());
    }

    /** What is still refused at the end is retried as a real client would, until accepted (or 10 s). */
    private void drainRetries(Fault fault) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Client client : clients) {
            while ((client.pendingPost != null || client.pendingBatch != null) && System.nanoTime() < deadline) {
                if (client.pendingPost != null) {
                    client.post(fault);
                }
                if (client.pendingBatch != null) {
                    client.telemetry(fault);
                }
                if (client.pendingPost != null || client.pendingBatch != null) {
                    pause(RETRY_PAUSE_MS);
                }
            }
        }
    }

    /**
     * The mix: of the kinds this client has something to send of, the one sent least often in the current
     * phase (ties in turn). Keeps every kind in flight even when a dead store's time limits make requests slow.
     */
    private synchronized Kind nextKind(Client client) {
        Map<Kind, Integer> sent = sentPerPhase.computeIfAbsent(phase, p -> new java.util.EnumMap<>(Kind.class));
        Kind best = null;
        for (int i = 0; i < kinds.size(); i++) {
            Kind k = kinds.get(Math.floorMod(tieBreak + i, kinds.size()));
            if (client.ready(k) && (best == null || sent.getOrDefault(k, 0) < sent.getOrDefault(best, 0))) {
                best = k;
            }
        }
        if (best != null) {
            sent.merge(best, 1, Integer::sum);
            tieBreak++;
        }
        return best;
    }

    private Long firstSuccessAfter(Kind kind, long since) {
        Long first = null;
        for (Sample s : samples) {
            if (s.kind == kind && s.sentAt >= since && s.succeeded() && (first == null || s.answeredAt < first)) {
                first = s.answeredAt;
            }
        }
        return first;
    }

    private long count(Kind kind, java.util.function.Predicate<Sample> which) {
        return samples.stream().filter(s -> s.kind == kind && which.test(s)).count();
    }

    private record Author(UUID id, String handle, String token) {
    }

    private record PendingPost(Author author, String key, String body) {
    }

    private record PendingBatch(List<UUID> ids, String body) {
    }

    /** One client: a user of the app with a few accounts, issuing the mix in turn, one request at a time. */
    private final class Client {
        final int index;
        final List<Author> authors;
        final String anonymousId;
        final List<String> acceptedPosts = new ArrayList<>();
        final List<UUID> acceptedEvents = new ArrayList<>();
        String refreshToken;
        String lastRefreshToken;
        PendingPost pendingPost;
        long postNotBefore;
        PendingBatch pendingBatch;
        long batchNotBefore;
        int turn;
        int written;

        Client(int index, List<Author> authors) {
            this.index = index;
            this.authors = authors;
            this.anonymousId = "fault-" + runId + "-c" + index;
            this.turn = index;
        }

        void loop(Fault fault) {
            while (running) {
                Kind kind = nextKind(this);
                if (kind == null) {
                    pause(PACE_MS / 4); // every kind is waiting for its retry pause
                    continue;
                }
                turn++;
                switch (kind) {
                    case HEALTH -> health(fault);
                    case FEED_HOME -> feedHome(fault);
                    case FEED_PROFILE -> feedProfile(fault);
                    case POST -> post(fault);
                    case POST_UNKEYED -> postUnkeyed(fault);
                    case TELEMETRY -> telemetry(fault);
                    case LOGIN -> login(fault);
                    case REFRESH -> refresh(fault);
                }
                pause(PACE_MS);
            }
        }

        /** Whether this client has something to send of {@code kind} now. */
        boolean ready(Kind kind) {
            return switch (kind) {
                case POST -> pendingPost == null || System.nanoTime() >= postNotBefore;
                case TELEMETRY -> pendingBatch == null || System.nanoTime() >= batchNotBefore;
                case REFRESH -> refreshToken != null;
                default -> true;
            };
        }

        Author author() {
            return authors.get(Math.floorMod(turn, authors.size()));
        }

        void health(Fault fault) {
            exchange(Kind.HEALTH, fault, HttpRequest.newBuilder(base.resolve("/v1/health")).GET(), this::healthNote);
        }

        String healthNote(HttpResponse<String> r) {
            try {
                JsonNode checks = JSON.readTree(r.body()).path("checks");
                return "checks " + List.of(Store.values()).stream()
                        .map(s -> s.check + "=" + checks.path(s.check).path("status").asText("?"))
                        .collect(Collectors.joining(","));
            } catch (IOException e) {
                return "unreadable health body";
            }
        }

        void feedHome(Fault fault) {
            exchange(Kind.FEED_HOME, fault, HttpRequest.newBuilder(base.resolve("/v1/feed/home"))
                    .header("Authorization", "Bearer " + author().token()).GET(), null);
        }

        void feedProfile(Fault fault) {
            exchange(Kind.FEED_PROFILE, fault, HttpRequest.newBuilder(base.resolve("/v1/feed/users/" + author().handle())).GET(), null);
        }

        /** The pending logical post again (same author, key and body), or a new one. */
        void post(Fault fault) {
            if (pendingPost == null) {
                String key = "fault-" + runId + "-c" + index + "-" + (++written);
                pendingPost = new PendingPost(author(), key, "fault " + key);
            }
            PendingPost p = pendingPost;
            Sample s = exchange(Kind.POST, fault, HttpRequest.newBuilder(base.resolve("/v1/posts"))
                    .header("Authorization", "Bearer " + p.author().token()).header("Idempotency-Key", p.key())
                    .POST(body("{\"body\":\"" + p.body() + "\"}")), null);
            if (s.status == 201) {
                acceptedPosts.add(p.body());
                pendingPost = null;
            } else if (s.status == 0 || s.status == 409 || s.status == 429 || s.status >= 500) {
                postNotBefore = System.nanoTime() + retryPauseNanos(s);
            } else {
                pendingPost = null; // refused for good (a 4xx): it must not exist; the tests report the status
            }
        }

        /** A post without Idempotency-Key: sent once, never retried (the client could not know whether it ran). */
        void postUnkeyed(Fault fault) {
            String text = "fault unkeyed " + runId + "-c" + index + "-" + (++written);
            Author author = author();
            Sample s = exchange(Kind.POST_UNKEYED, fault, HttpRequest.newBuilder(base.resolve("/v1/posts"))
                    .header("Authorization", "Bearer " + author.token())
                    .POST(body("{\"body\":\"" + text + "\"}")), null);
            if (s.status == 201) {
                acceptedPosts.add(text);
            }
        }

        /** The pending batch again (same event ids and body), or a new one of three events. */
        void telemetry(Fault fault) {
            if (pendingBatch == null) {
                List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
                Instant at = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
                String events = ids.stream().map(id -> "{\"eventId\":\"" + id + "\",\"type\":\"impression\",\"itemId\":\"post-"
                        + id.toString().substring(0, 8) + "\",\"surface\":\"home\",\"occurredAt\":\"" + at + "\"}")
                        .collect(Collectors.joining(","));
                pendingBatch = new PendingBatch(ids, "{\"anonymousId\":\"" + anonymousId + "\",\"events\":[" + events + "]}");
            }
            PendingBatch b = pendingBatch;
            Sample s = exchange(Kind.TELEMETRY, fault, HttpRequest.newBuilder(base.resolve("/v1/events")).POST(body(b.body())),
                    r -> r.body());
            if (s.status == 202) {
                acceptedEvents.addAll(b.ids());
                pendingBatch = null;
            } else if (s.status == 0 || s.status == 429 || s.status >= 500) {
                batchNotBefore = System.nanoTime() + retryPauseNanos(s);
            } else {
                pendingBatch = null;
            }
        }

        void login(Fault fault) {
            Sample s = exchange(Kind.LOGIN, fault, loginRequest(), null);
            if (s.status == 200) {
                refreshToken = lastRefreshToken; // the newest session's token is the one to refresh
            }
        }

        void refresh(Fault fault) {
            if (refreshToken == null) {
                return;
            }
            Sample s = exchange(Kind.REFRESH, fault, HttpRequest.newBuilder(base.resolve("/v1/auth/refresh"))
                    .POST(body("{\"refreshToken\":\"" + refreshToken + "\"}")), null);
            if (s.status == 200) {
                refreshToken = lastRefreshToken;
            } else if (s.status == 401) {
                refreshToken = null; // the family is gone; the next login opens another
            }
        }

        /** Sends one request from a fresh client address and records it. */
        Sample exchange(Kind kind, Fault fault, HttpRequest.Builder request, java.util.function.Function<HttpResponse<String>, String> noteOf) {
            Phase sentIn = phase;
            long sentAt = System.nanoTime();
            request.header("X-Forwarded-For", nextAddress()).header("Content-Type", "application/json").timeout(ANSWER_TIMEOUT);
            HttpResponse<String> r = null;
            String failure = null;
            try {
                r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                failure = "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s";
            } catch (IOException e) {
                failure = "connection failed: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
            }
            long answeredAt = System.nanoTime();
            Phase answeredIn = phase;
            int status = r == null ? 0 : r.statusCode();
            String note = failure;
            boolean parked = false;
            if (r != null) {
                if (kind == Kind.TELEMETRY && status == 202) {
                    parked = "true".equals(field(r.body(), "parked"));
                    note = r.body();
                } else if ((kind == Kind.LOGIN || kind == Kind.REFRESH) && status == 200) {
                    lastRefreshToken = field(r.body(), "refreshToken");
                    note = "";
                } else if (noteOf != null) {
                    note = noteOf.apply(r);
                } else if (status != kind.success) {
                    note = r.body().length() > 300 ? r.body().substring(0, 300) : r.body();
                }
            }
            // Degraded: answered normally although the store its normal path needs was down all along.
            boolean outage = sentIn == Phase.DOWN && answeredIn == Phase.DOWN;
            boolean degraded = status == kind.success && (parked || (outage && kind.needs.contains(fault.store())));
            Sample s = new Sample(kind, index, sentIn, answeredIn, sentAt, answeredAt, status,
                    r == null ? null : r.headers().firstValue("Retry-After").orElse(null),
                    r == null ? null : r.headers().firstValue("Content-Type").orElse(null),
                    // RateLimit-Policy: on every limited answer, public ones included (those carry no per-caller values).
                    r != null && r.headers().firstValue("RateLimit-Policy").isPresent(),
                    r != null && r.headers().firstValue("X-Request-Id").isPresent(), degraded, note == null ? "" : note);
            samples.add(s);
            return s;
        }
    }

    private HttpRequest.Builder loginRequest() {
        return HttpRequest.newBuilder(base.resolve("/v1/auth/login"))
                .POST(body("{\"email\":\"" + loginEmail + "\",\"password\":\"" + PASSWORD + "\"}"));
    }

    private static long retryPauseNanos(Sample s) {
        long ms = RETRY_PAUSE_MS;
        if (s.retryAfter() != null) {
            try {
                ms = Math.min(RETRY_PAUSE_MS, Long.parseLong(s.retryAfter().trim()) * 1000);
            } catch (NumberFormatException ignored) {
                // keep the short pause
            }
        }
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** The right-most X-Forwarded-For entry is the client (the tests are the trusted edge hop): one address per request. */
    private String nextAddress() {
        int n = nextAddress.incrementAndGet();
        return "10." + addressBlock + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private int healthStatus() {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve("/v1/health")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.header("X-Forwarded-For", nextAddress()).header("Content-Type", "application/json")
                    .timeout(ANSWER_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.BodyPublisher body(String json) {
        // (the Content-Type header is set in exchange and send: BodyPublishers carry none)
        return HttpRequest.BodyPublishers.ofString(json);
    }

    private static String field(String json, String name) {
        try {
            JsonNode value = JSON.readTree(json).get(name);
            return value == null || value.isNull() ? null : value.asText();
        } catch (IOException e) {
            return null;
        }
    }

    private static long elapsed(long since) {
        return System.nanoTime() - since;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms); // pacing of the load, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls {@code condition} every 20 ms; false at the deadline. */
    private static boolean awaitUntil(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause(20);
        }
        return true;
    }

    private static void awaitCondition(Duration limit, BooleanSupplier condition, java.util.function.Supplier<String> what) {
        if (!awaitUntil(limit, condition)) {
            throw new AssertionError("not within " + limit.toSeconds() + " s: " + what.get());
        }
    }

    /** Per kind: how many answers of each status, and the first unexpected one. */
    private String diagnosis() {
        StringBuilder out = new StringBuilder();
        for (Kind kind : kinds) {
            Map<Integer, Long> statuses = new TreeMap<>();
            Sample firstFailure = null;
            for (Sample s : samples) {
                if (s.kind == kind) {
                    statuses.merge(s.status, 1L, Long::sum);
                    if (firstFailure == null && !s.succeeded()) {
                        firstFailure = s;
                    }
                }
            }
            out.append(kind.label).append(' ').append(statuses);
            if (firstFailure != null) {
                out.append(" first failure: ").append(firstFailure);
            }
            out.append("; ");
        }
        return out.toString();
    }

    /** Stores the batches that were parked in DynamoDB during a PostgreSQL outage, as the scheduled replay does. */
    static ParkedBatches.Replay replayParkedBatches(ParkedBatches parked) throws SQLException {
        try (Connection c = Migrations.connect(PaddockStoresTestResource.stores().databaseUrl())) {
            return parked.replay(c, 2000);
        }
    }

    /** Everything one fault run did; the row counts are read from PostgreSQL on demand. */
    record Result(Fault fault, List<Sample> samples, List<Kind> kinds, Long stopNanos, Long startNanos, Duration recovery,
            long wallNanos, List<String> acceptedPosts, List<UUID> authors,
            List<UUID> acceptedEvents, List<String> anonymousIds, List<String> postsNeverAccepted, int eventsNeverAccepted) {

        List<Sample> of(Kind kind) {
            return samples.stream().filter(s -> s.kind() == kind).toList();
        }

        List<Sample> of(Kind kind, Phase within) {
            return samples.stream().filter(s -> s.kind() == kind && s.within(within)).toList();
        }

        /** Anything but the contract's own 503: a 500 or other 5xx, or no answer at all. */
        List<Sample> serverErrorsOtherThan503OrHangs() {
            return samples.stream().filter(s -> s.status() == 0 || (s.status() >= 500 && s.status() != 503)).toList();
        }

        /** A 503 of an API route must say when to retry, as a problem document (health's 503 is its report). */
        List<Sample> bare503s() {
            return samples.stream().filter(s -> s.status() == 503 && s.kind() != Kind.HEALTH
                    && (!positiveSeconds(s.retryAfter()) || s.contentType() == null
                            || !s.contentType().startsWith("application/problem+json"))).toList();
        }

        /**
         * The contract's headers hold in an outage too: every answer carries X-Request-Id, and every answer
         * of a limited route RateLimit-Policy (only one store is down here, so a layer of the limiter answers).
         */
        List<Sample> answersWithoutContractHeaders() {
            return samples.stream().filter(s -> s.status() != 0
                    && (!s.requestId() || (s.kind().rateLimited && !s.rateLimitHeaders()))).toList();
        }

        /** 202 receipts that do not account for the three events of the batch. */
        List<Sample> telemetryReceiptsNotAccountingForTheBatch() {
            return of(Kind.TELEMETRY).stream().filter(s -> s.status() == 202).filter(s -> {
                try {
                    JsonNode receipt = JSON.readTree(s.note());
                    return receipt.path("accepted").asInt() + receipt.path("duplicates").asInt() != 3
                            || !receipt.path("rejected").isArray() || !receipt.path("rejected").isEmpty();
                } catch (IOException e) {
                    return true;
                }
            }).toList();
        }

        /** After the restart and settling: every answer is the normal one again. */
        List<Sample> failuresOnceSettled() {
            return samples.stream().filter(s -> s.within(Phase.SETTLED) && !s.succeeded() && s.status() != 429).toList();
        }

        long fiveXx() {
            return samples.stream().filter(s -> s.status() >= 500).count();
        }

        long status(int status) {
            return samples.stream().filter(s -> s.status() == status).count();
        }

        long degraded() {
            return samples.stream().filter(Sample::degraded).count();
        }

        String summary() {
            long health503 = samples.stream().filter(s -> s.status() == 503 && s.kind() == Kind.HEALTH).count();
            long other5xx = fiveXx() - status(503);
            return String.format(java.util.Locale.ROOT,
                    "fault=%s requests=%d 5xx=%d (503=%d of which health=%d, other=%d) degraded=%d 429=%d hangs=%d recovery=%s"
                            + " stop=%.2fs start=%.2fs wall=%.1fs",
                    fault.name(), samples.size(), fiveXx(), status(503), health503, other5xx, degraded(), status(429),
                    status(0), recovery == null ? "none-within-" + RECOVERY_LIMIT.toSeconds() + "s"
                            : String.format(java.util.Locale.ROOT, "%.2fs", recovery.toMillis() / 1000.0),
                    stopNanos == null ? 0 : stopNanos / 1e9, startNanos == null ? 0 : startNanos / 1e9, wallNanos / 1e9);
        }

        /** Every request in order of sending: client, kind, when sent and answered (s from the first), status. */
        String timeline() {
            long t0 = samples.stream().mapToLong(Sample::sentAt).min().orElse(0);
            return samples.stream().sorted(java.util.Comparator.comparingLong(Sample::sentAt))
                    .map(s -> String.format(java.util.Locale.ROOT, "  c%d %-12s %6.2f→%6.2f %-10s %d", s.client(), s.kind().label,
                            (s.sentAt() - t0) / 1e9, (s.answeredAt() - t0) / 1e9, s.sentIn() + "/" + s.answeredIn(), s.status()))
                    .collect(Collectors.joining("\n", "", "\n"));
        }

        /** One line per kind: statuses by phase, degraded count and worst latency, for whoever reads the log. */
        String perKind() {
            StringBuilder out = new StringBuilder();
            for (Kind kind : kinds) {
                List<Sample> of = of(kind);
                Map<Phase, Map<Integer, Long>> byPhase = new TreeMap<>();
                for (Sample s : of) {
                    byPhase.computeIfAbsent(s.sentIn(), p -> new TreeMap<>()).merge(s.status(), 1L, Long::sum);
                }
                out.append(String.format(java.util.Locale.ROOT, "  fault=%s kind=%s requests=%d degraded=%d maxLatency=%dms statusesBySentPhase=%s%n",
                        fault.name(), kind.label, of.size(), of.stream().filter(Sample::degraded).count(),
                        of.stream().mapToLong(Sample::latencyMs).max().orElse(0), byPhase));
            }
            return out.toString();
        }

        /** Rows in posts per body, for the run's authors. */
        Map<String, Integer> storedPosts(Database database) throws SQLException {
            Map<String, Integer> rows = new HashMap<>();
            try (Connection c = database.dataSource().getConnection();
                    PreparedStatement s = c.prepareStatement("SELECT body, count(*) FROM posts WHERE author_id = ANY (?) GROUP BY body")) {
                s.setArray(1, c.createArrayOf("uuid", authors.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
            return rows;
        }

        /** What is wrong with the stored posts: an accepted post missing or twice, or a post stored that no client saw accepted. */
        Map<String, Integer> postRowsNotExactlyOnce(Database database) throws SQLException {
            Map<String, Integer> stored = storedPosts(database);
            Map<String, Integer> wrong = new LinkedHashMap<>();
            for (String body : acceptedPosts) {
                int rows = stored.getOrDefault(body, 0);
                if (rows != 1) {
                    wrong.put("accepted: " + body, rows);
                }
            }
            stored.forEach((body, rows) -> {
                if (!acceptedPosts.contains(body)) {
                    wrong.put("never accepted: " + body, rows);
                }
            });
            return wrong;
        }

        /** Rows in usage_events per event id, for the run's anonymous senders. */
        Map<UUID, Integer> storedEvents() throws SQLException {
            Map<UUID, Integer> rows = new HashMap<>();
            try (Connection c = Migrations.connect(PaddockStoresTestResource.stores().databaseUrl());
                    PreparedStatement s = c.prepareStatement(
                            "SELECT event_id, count(*) FROM usage_events WHERE anonymous_id = ANY (?) GROUP BY event_id")) {
                s.setArray(1, c.createArrayOf("text", anonymousIds.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getObject(1, UUID.class), rs.getInt(2));
                    }
                }
            }
            return rows;
        }

        /** Accepted events not stored exactly once, and stored events no client saw accepted. */
        Map<String, Integer> eventRowsNotExactlyOnce() throws SQLException {
            Map<UUID, Integer> stored = storedEvents();
            Map<String, Integer> wrong = new LinkedHashMap<>();
            Set<UUID> accepted = Set.copyOf(acceptedEvents);
            for (UUID id : acceptedEvents) {
                int rows = stored.getOrDefault(id, 0);
                if (rows != 1) {
                    wrong.put("accepted: " + id, rows);
                }
            }
            stored.forEach((id, rows) -> {
                if (!accepted.contains(id)) {
                    wrong.put("never accepted: " + id, rows);
                }
            });
            return wrong;
        }

        private static boolean positiveSeconds(String value) {
            try {
                return value != null && Long.parseLong(value.trim()) >= 1;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

}
