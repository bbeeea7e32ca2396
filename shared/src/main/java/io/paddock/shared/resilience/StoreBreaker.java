package io.paddock.shared.resilience;

import java.util.function.LongSupplier;
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
        void changed(String store, State now);
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

    public String store() {
        return store;
    }

    public boolean allowsRequest() {
        return clockMillis.getAsLong() >= openUntil;
    }

    /** Open: the last call failed and the store is skipped (or being tried again) until one succeeds. */
    public State state() {
        return openUntil == Long.MIN_VALUE ? State.closed : State.open;
    }

    /** @return true when this failure opened it (so the caller logs the transition once) */
    public boolean failed() {
        boolean wasClosed = openUntil == Long.MIN_VALUE;
        openUntil = clockMillis.getAsLong() + openMillis;
        if (wasClosed) {
            transitions.changed(store, State.open);
        }
        return wasClosed;
    }

    /** @return true when this success closed it */
    public boolean succeeded() {
        if (openUntil == Long.MIN_VALUE) {
            return false;
        }
        openUntil = Long.MIN_VALUE;
        transitions.changed(store, State.closed);
        return true;
    }
}
