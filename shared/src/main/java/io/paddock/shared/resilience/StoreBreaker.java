package io.paddock.shared.ratelimit;

import java.util.function.LongSupplier;

/**
 * Keeps requests off a Redis that just failed: after a failure L1 is skipped for {@code openMillis},
 * then the next request tries it again (and closes the breaker if it answers). A request therefore
 * waits for a dead Redis at most once per period, not each time, and L1 is back within one period
 * (2 s by default) of Redis answering again.
 */
public final class RedisBreaker {

    private final long openMillis;
    private final LongSupplier clockMillis;
    private volatile long openUntil = Long.MIN_VALUE;

    public RedisBreaker(long openMillis, LongSupplier clockMillis) {
        this.openMillis = openMillis;
        this.clockMillis = clockMillis;
    }

    public boolean allowsRequest() {
        return clockMillis.getAsLong() >= openUntil;
    }

    /** @return true when this failure opened it (so the caller logs the transition once) */
    public boolean failed() {
        boolean wasClosed = openUntil == Long.MIN_VALUE;
        openUntil = clockMillis.getAsLong() + openMillis;
        return wasClosed;
    }

    /** @return true when this success closed it */
    public boolean succeeded() {
        boolean wasOpen = openUntil != Long.MIN_VALUE;
        openUntil = Long.MIN_VALUE;
        return wasOpen;
    }
}
