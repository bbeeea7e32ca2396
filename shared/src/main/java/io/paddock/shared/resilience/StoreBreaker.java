package io.paddock.shared.resilience;

import io.paddock.shared.observability.RequestRecords;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Keeps requests off a store that just failed: after a failure the store is skipped for
 * {@code openMillis} (callers take their degraded path or answer 503 at once), then the next request
 * tries it again and closes the breaker if it answers. A request therefore waits for a dead store at
 * most once per period, not each time, and the store is back in use within one period of answering.
 */
public final class StoreBreaker {

    @Schema(name = "BreakerState", description = "open: the store failed and is skipped until a retry succeeds")
    public enum State { closed, open }

    /** Told once per transition, so that logs and metrics show each outage once, not per request. */
    @FunctionalInterface
    public interface Transitions {
        /** @param cause the failure that opened it; null when it closes */
        void changed(String store, State now, Throwable cause);
    }

    /** Thrown instead of calling a store known to be down; no stack trace, it is thrown per request. */
    public static final class Open extends RuntimeException {
        Open(String store) {
            super(store + " is unavailable (breaker open)", null, false, false);
        }
    }

    private final String store;
    private final long openMillis;
    private final LongSupplier clockMillis;
    private final Transitions transitions;
    private volatile long openUntil = Long.MIN_VALUE;

    public StoreBreaker(String store, long openMillis, LongSupplier clockMillis, Transitions transitions) {
        this.store = store;
        this.openMillis = openMillis;
        this.clockMillis = clockMillis;
        this.transitions = transitions;
    }

    /** A breaker outside a container (tools, benchmarks, tests playing several containers): 2 s, transitions untold. */
    public static StoreBreaker unobserved(String store) {
        return new StoreBreaker(store, 2000, System::currentTimeMillis, (name, now, cause) -> { });
    }

    public boolean allowsRequest() {
        return clockMillis.getAsLong() >= openUntil;
    }

    /** Open: the last call failed and the store is skipped (or being tried again) until one succeeds. */
    public State state() {
        return openUntil == Long.MIN_VALUE ? State.closed : State.open;
    }

    /**
     * One call to the store: refused at once ({@link Open}) while the breaker is open, noted on the
     * request's record (an error report's breadcrumbs), and its outcome moves the breaker. For stores
     * whose every failure means "down" (Redis); PostgreSQL and DynamoDB tell answers from outages first.
     */
    public <T> T call(String operation, Supplier<T> work) {
        if (!allowsRequest()) {
            throw new Open(store);
        }
        long started = System.nanoTime();
        try {
            T result = work.get();
            RequestRecords.current().storeCall(store, operation, (System.nanoTime() - started) / 1_000_000, true);
            succeeded();
            return result;
        } catch (RuntimeException e) {
            RequestRecords.current().storeCall(store, operation, (System.nanoTime() - started) / 1_000_000, false);
            failed(e);
            throw e;
        }
    }

    /** @return true when this failure opened it */
    public boolean failed(Throwable cause) {
        boolean wasClosed = openUntil == Long.MIN_VALUE;
        openUntil = clockMillis.getAsLong() + openMillis;
        if (wasClosed) {
            transitions.changed(store, State.open, cause);
        }
        return wasClosed;
    }

    /** @return true when this success closed it */
    public boolean succeeded() {
        if (openUntil == Long.MIN_VALUE) {
            return false;
        }
        openUntil = Long.MIN_VALUE;
        transitions.changed(store, State.closed, null);
        return true;
    }
}
