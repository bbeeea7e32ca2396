package io.paddock.shared.resilience;

import io.paddock.shared.observability.RequestRecords;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Keeps requests off a store that is down, so that callers take their degraded path or answer 503 at
 * once instead of each waiting out the store's time limit.
 *
 * <p><b>How it works.</b> Three phases, held as one immutable value in an {@link AtomicReference}; every
 * change is a compare-and-set, so two threads never both make the same transition.
 * <ul>
 * <li><b>Closed:</b> every request is admitted. Unanswered calls in a row are counted and a success
 *     resets the count. The breaker opens at the {@value #FAILURES_TO_OPEN}rd failure in a row, or at the
 *     first when the store refused the connection (a {@link ConnectException} in the cause chain).
 * <li><b>Open</b> for {@code openMillis}: every request is refused ({@link Open}, or
 *     {@link #admit()} says {@link Admission#REFUSED}).
 * <li><b>Half-open</b>, once the open period is over: the first request to ask is the one trial, every
 *     other is refused as while open. The trial's success closes the breaker; its failure opens it for
 *     another period.
 * </ul>
 * Any success closes the breaker, whoever reports it (the trial, a health probe's round trip, a call
 * admitted before the breaker opened): the store answered.
 *
 * <p><b>Why this policy.</b> A refused connection means nothing listens, and more evidence would only cost
 * more requests. A single timeout is weaker evidence: on a cold JVM under load the health probe's first
 * PostgreSQL sign-in can take longer than the probe's 1 s, and opening on it turned every request away with
 * 503 for a period while PostgreSQL was fine. One trial, not every request that arrives when the period
 * ends, because against a store that is still down each admitted request waits out its time limit.
 *
 * <p><b>Hazards.</b>
 * <ul>
 * <li>Admission is a claim: a caller told {@link Admission#TRIAL} must report {@link #succeeded()} or
 *     {@link #failed}. A trial that reports neither (an {@link Error}, a caller's bug) would hold the
 *     breaker half-open; after {@code trialLeaseMillis} it is presumed lost and the next request becomes
 *     the trial. A trial slower than its lease therefore shares the store with a second one.
 * <li>Against a store that times out rather than refuses, {@value #FAILURES_TO_OPEN} requests in a row wait
 *     out their time limit before the breaker opens: the price of not opening on one slow answer. Requests
 *     already waiting when it opens are not released by the breaker itself; {@code Database} waits for a
 *     connection in a way that gives up when it opens, other stores' calls run to their own time limits.
 * <li>Calls admitted before the breaker opened finish afterwards: a late failure starts the open period
 *     again, a late success closes it.
 * <li>A health probe is not admitted (it must reach a store the breaker skips) but reports like a call: a
 *     probe's timeout counts towards opening, its success closes.
 * <li>Each container's breaker learns of an outage by itself; containers do not tell each other.
 * </ul>
 * {@link #state()} says open for both open and half-open (health and metrics show outages, not trials);
 * {@link Transitions} hear closed-to-open and open-to-closed only, in the order they happened.
 */
public final class StoreBreaker {

    /** Unanswered calls in a row that open the breaker when none was a refused connection. */
    public static final int FAILURES_TO_OPEN = 3;

    @Schema(name = "BreakerState", description = "open: the store failed and is skipped until a retry succeeds")
    public enum State { closed, open }

    /** What {@link #admit()} decided for one request. */
    public enum Admission {
        /** Open, or half-open with its trial under way: do not call the store. */
        REFUSED,
        /** Closed: call the store and report the outcome. */
        ADMITTED,
        /** Half-open and this request is the one trial: call the store and report the outcome, or none is admitted until the lease ends. */
        TRIAL
    }

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

    private sealed interface Phase permits Closed, Opened, Trying { }

    private record Closed(int failuresInARow) implements Phase { }

    private record Opened(long until) implements Phase { }

    private record Trying(long leaseUntil) implements Phase { }

    private static final Closed HEALTHY = new Closed(0);

    private final String store;
    private final long openMillis;
    private final int failuresToOpen;
    private final long trialLeaseMillis;
    private final LongSupplier clockMillis;
    private final Transitions transitions;
    private final AtomicReference<Phase> phase = new AtomicReference<>(HEALTHY);
    /** Held while a transition that changes {@link #state()} is made and told, so tellings keep their order. */
    private final Object telling = new Object();

    /** Opens at the {@value #FAILURES_TO_OPEN}rd failure in a row (the first refused connection); a trial's lease is five open periods. */
    public StoreBreaker(String store, long openMillis, LongSupplier clockMillis, Transitions transitions) {
        this(store, openMillis, FAILURES_TO_OPEN, 5 * openMillis, clockMillis, transitions);
    }

    StoreBreaker(String store, long openMillis, int failuresToOpen, long trialLeaseMillis, LongSupplier clockMillis,
            Transitions transitions) {
        if (failuresToOpen < 1 || openMillis < 1 || trialLeaseMillis < 1) {
            throw new IllegalArgumentException("a breaker needs positive limits");
        }
        this.store = store;
        this.openMillis = openMillis;
        this.failuresToOpen = failuresToOpen;
        this.trialLeaseMillis = trialLeaseMillis;
        this.clockMillis = clockMillis;
        this.transitions = transitions;
    }

    /** A breaker outside a container (tools, benchmarks, tests playing several containers): 2 s, transitions untold. */
    public static StoreBreaker unobserved(String store) {
        return new StoreBreaker(store, 2000, System::currentTimeMillis, (name, now, cause) -> { });
    }

    /**
     * Whether this request may call the store. {@link Admission#TRIAL} is handed to one request per
     * open period; whoever gets it must report the outcome.
     */
    public Admission admit() {
        while (true) {
            Phase now = phase.get();
            if (now instanceof Closed) {
                return Admission.ADMITTED;
            }
            long due = now instanceof Opened opened ? opened.until() : ((Trying) now).leaseUntil();
            long time = clockMillis.getAsLong();
            if (time < due) {
                return Admission.REFUSED;
            }
            if (phase.compareAndSet(now, new Trying(time + trialLeaseMillis))) {
                return Admission.TRIAL;
            }
        }
    }

    /** {@link #admit()} as a yes or no; yes obliges the caller to report the outcome. */
    public boolean allowsRequest() {
        return admit() != Admission.REFUSED;
    }

    /** Open: the store failed and is skipped (but for one trial) until a call succeeds. */
    public State state() {
        return phase.get() instanceof Closed ? State.closed : State.open;
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

    /**
     * The store did not answer.
     *
     * @param cause what the caller saw; a refused connection anywhere in its chain opens at once
     * @return true when this failure opened it
     */
    public boolean failed(Throwable cause) {
        boolean refused = refusedConnection(cause);
        while (true) {
            Phase now = phase.get();
            if (now instanceof Closed closed) {
                int inARow = closed.failuresInARow() + 1;
                if (!refused && inARow < failuresToOpen) {
                    if (phase.compareAndSet(now, new Closed(inARow))) {
                        return false;
                    }
                    continue;
                }
                synchronized (telling) {
                    if (phase.compareAndSet(now, new Opened(clockMillis.getAsLong() + openMillis))) {
                        transitions.changed(store, State.open, cause);
                        return true;
                    }
                }
            } else if (phase.compareAndSet(now, new Opened(clockMillis.getAsLong() + openMillis))) {
                // The trial, or a call admitted before it opened: still down, a whole period more. Not a transition.
                return false;
            }
        }
    }

    /** @return true when this success closed it */
    public boolean succeeded() {
        while (true) {
            Phase now = phase.get();
            if (now == HEALTHY) {
                return false;
            }
            if (now instanceof Closed) {
                if (phase.compareAndSet(now, HEALTHY)) {
                    return false;
                }
                continue;
            }
            synchronized (telling) {
                if (phase.compareAndSet(now, HEALTHY)) {
                    transitions.changed(store, State.closed, null);
                    return true;
                }
            }
        }
    }

    /**
     * Nothing listens where the store should be. Connection timeouts are excluded even where they extend
     * {@link ConnectException} (Netty's): slowness is what a single failure must not be mistaken for.
     */
    static boolean refusedConnection(Throwable cause) {
        int depth = 0;
        for (Throwable t = cause; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof ConnectException && !t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }
}
