package io.paddock.shared.resilience;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * retries of many containers spread out instead of arriving together. Only for work that is safe to
 * repeat; the caller decides that.
 */
public final class Backoff {

    static final long BASE_MILLIS = 25;
    static final long CAP_MILLIS = 400;

    private Backoff() {
    }

    /** The pause before retry number {@code attempt} (1-based): uniform in [0, min(cap, base·2^(attempt-1))]. */
    public static long delayMillis(int attempt) {
        long ceiling = Math.min(CAP_MILLIS, BASE_MILLIS << Math.min(attempt - 1, 16));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    public static void pause(int attempt) {
        try {
            Thread.sleep(delayMillis(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
