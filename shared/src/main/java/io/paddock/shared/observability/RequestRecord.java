package io.paddock.shared.observability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one request did, gathered while it runs and read once at its end: by the request log line, the
 * EMF metrics and, when it fails unexpectedly, the error report (store calls become breadcrumbs).
 * Threads of one request may touch it (event loop, worker), so every method is synchronized; the
 * contention is nil because a request rarely overlaps with itself.
 */
public final class RequestRecord {

    /** The store calls an error report shows; a request making more keeps the latest. */
    static final int MAX_STORE_CALLS = 32;

    /** One call to Redis, PostgreSQL or DynamoDB: no keys, no values, only what and how it went. */
    public record StoreCall(Instant at, String store, String operation, long durationMs, boolean ok) {
    }

    /** Used where no request is running (schedules, start-up): everything recorded is dropped. */
    static final RequestRecord DETACHED = new RequestRecord(0, true);

    private final long startedNanos;
    private final boolean detached;
    private String requestId;
    private boolean coldStart;
    private String route;
    private String service;
    private int cacheHits;
    private int cacheMisses;
    private boolean rateLimited;
    private String userId;
    private String apiKeyId;
    private final Set<String> degraded = new TreeSet<>();
    private final List<StoreCall> storeCalls = new ArrayList<>();

    public RequestRecord(long startedNanos) {
        this(startedNanos, false);
    }

    private RequestRecord(long startedNanos, boolean detached) {
        this.startedNanos = startedNanos;
        this.detached = detached;
    }

    public long startedNanos() {
        return startedNanos;
    }

    /** The X-Request-Id this request answers with; also the error report's {@code request_id} tag. */
    public synchronized void requestId(String id) {
        if (!detached) {
            requestId = id;
        }
    }

    public synchronized String requestId() {
        return requestId;
    }

    /** The first request of its container: counted once in the metrics as a cold start. */
    public synchronized void coldStart(boolean first) {
        if (!detached) {
            coldStart = first;
        }
    }

    public synchronized boolean wasColdStart() {
        return coldStart;
    }

    /**
     * The matched route template (e.g. /v1/feed/users/{handle}) and the function it belongs to, once a
     * resource method matched; both stay null for an unknown route.
     */
    public synchronized void route(String template, String owner) {
        if (!detached) {
            route = template;
            service = owner;
        }
    }

    public synchronized String route() {
        return route;
    }

    public synchronized String service() {
        return service;
    }

    public synchronized void cacheHit() {
        if (!detached) {
            cacheHits++;
        }
    }

    public synchronized void cacheMiss() {
        if (!detached) {
            cacheMisses++;
        }
    }

    /** The limiter refused this request (a 429 of the rate limiter, not of login back-off). */
    public synchronized void rateLimited() {
        if (!detached) {
            rateLimited = true;
        }
    }

    /** A degraded behaviour served this request, e.g. "feed-from-postgres", "limiter-l2", "events-parked". */
    public synchronized void degraded(String behaviour) {
        if (!detached) {
            degraded.add(behaviour);
        }
    }

    public synchronized void userId(String id) {
        if (!detached) {
            userId = id;
        }
    }

    /** The id of the API key the request was authenticated with; never the key itself. */
    public synchronized void apiKeyId(String id) {
        if (!detached) {
            apiKeyId = id;
        }
    }

    public synchronized String apiKeyId() {
        return apiKeyId;
    }

    public synchronized void storeCall(String store, String operation, long durationMs, boolean ok) {
        if (detached) {
            return;
        }
        if (storeCalls.size() == MAX_STORE_CALLS) {
            storeCalls.remove(0);
        }
        storeCalls.add(new StoreCall(Instant.now(), store, operation, durationMs, ok));
    }

    public synchronized int cacheHits() {
        return cacheHits;
    }

    public synchronized int cacheMisses() {
        return cacheMisses;
    }

    public synchronized boolean wasRateLimited() {
        return rateLimited;
    }

    public synchronized String userId() {
        return userId;
    }

    public synchronized Set<String> degradedBehaviours() {
        return Set.copyOf(degraded);
    }

    public synchronized List<StoreCall> storeCalls() {
        return List.copyOf(storeCalls);
    }
}
