package io.paddock.shared.resilience;

import io.paddock.shared.ids.RenewableRandom;

/**
 * Exponential back-off with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * retries of many containers spread out instead of arriving together. Only for work that is safe to
 * repeat; the caller decides that.
 */
public final class Backoff {

    static final long BASE_MILLIS = 25;
    static final long CAP_MILLIS = 400;
    /**
     * Not {@code ThreadLocalRandom}: containers restored from one SnapStart snapshot would continue its
     * per-thread sequence in step and retry together, which is what the jitter is for to prevent.
     */
    private static final RenewableRandom JITTER = RenewableRandom.create();

    private Backoff() {
    }

    /** The pause before retry number {@code attempt} (1-based): uniform in [0, min(cap, base·2^(attempt-1))]. */
    public static long delayMillis(int attempt) {
        long ceiling = Math.min(CAP_MILLIS, BASE_MILLIS << Math.min(attempt - 1, 16));
        return JITTER.nextLong(ceiling + 1);
    }

    public static void pause(int attempt) {
        try {
            Thread.sleep(delayMillis(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
