package io.paddock.shared.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.resilience.StoreBreaker.Admission;
import io.paddock.shared.testing.AllAtOnce;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StoreBreakerTest {

    private static final int THREADS = 64;

    private final AtomicLong now = new AtomicLong(0);
    private final List<String> transitions = Collections.synchronizedList(new ArrayList<>());
    private final StoreBreaker breaker = new StoreBreaker("redis", 2000, now::get,
            (store, state, cause) -> transitions.add(store + " " + state));

    private static ConnectException refused() {
        return new ConnectException("Connection refused");
    }

    /** Netty's connect timeout is a ConnectException too; it is slowness, not a refusal. */
    private static final class ConnectTimeoutException extends ConnectException {
        ConnectTimeoutException() {
            super("connection timed out");
        }
    }

    @Test
    void aRefusedConnectionOpensAtOnceForTheOpenPeriodThenOneRequestTriesAgain() {
        assertEquals(StoreBreaker.State.closed, breaker.state());
        assertTrue(breaker.allowsRequest());
        assertTrue(breaker.failed(new SQLException("Connection to 127.0.0.1:5432 refused", "08001", refused())),
                "nothing listens: the first failure opens it");
        assertEquals(StoreBreaker.State.open, breaker.state());
        assertFalse(breaker.allowsRequest());
        now.set(1999);
        assertFalse(breaker.allowsRequest());
        now.set(2000);
        assertEquals(Admission.TRIAL, breaker.admit(), "half open: one more try");
        assertEquals(StoreBreaker.State.open, breaker.state(), "a trial is not an answer");
        assertFalse(breaker.failed(refused()), "still failing: not a new transition");
        assertFalse(breaker.allowsRequest());
        now.set(4000);
        assertEquals(Admission.TRIAL, breaker.admit());
        assertTrue(breaker.succeeded(), "Redis answered: closed again");
        assertEquals(Admission.ADMITTED, breaker.admit());
        assertFalse(breaker.succeeded());
        assertEquals(List.of("redis open", "redis closed"), transitions, "each transition reported once");
    }

    @Test
    void timeoutsAndOtherFailuresOpenItOnlyAtTheThirdInARow() {
        assertFalse(breaker.failed(new TimeoutException("probe took over 1 s")), "one slow answer is not an outage");
        assertFalse(breaker.failed(new IllegalStateException("connection closed")));
        assertEquals(StoreBreaker.State.closed, breaker.state());
        assertEquals(Admission.ADMITTED, breaker.admit());
        assertTrue(breaker.failed(new RuntimeException(new ConnectTimeoutException())), "the third in a row opens it");
        assertEquals(StoreBreaker.State.open, breaker.state());
        assertEquals(Admission.REFUSED, breaker.admit());
        assertEquals(List.of("redis open"), transitions);
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        breaker.failed(new TimeoutException());
        breaker.failed(new TimeoutException());
        assertFalse(breaker.succeeded(), "it was closed: not a transition");
        assertFalse(breaker.failed(new TimeoutException()));
        assertFalse(breaker.failed(new TimeoutException()));
        assertEquals(StoreBreaker.State.closed, breaker.state());
        assertEquals(List.of(), transitions);
    }

    @Test
    void aConnectTimeoutIsNotARefusalWhereverItIsInTheChain() {
        assertFalse(StoreBreaker.refusedConnection(new ConnectTimeoutException()));
        assertFalse(StoreBreaker.refusedConnection(null));
        assertTrue(StoreBreaker.refusedConnection(new RuntimeException(new SQLException("no", "08001", refused()))));
    }

    @Test
    void whenHalfOpenExactlyOneOfManyConcurrentRequestsIsTheTrialAndTheOthersAreRefused() throws Exception {
        breaker.failed(refused());
        now.set(2000);
        List<Admission> admissions = AllAtOnce.run(THREADS, breaker::admit);
        assertEquals(1, admissions.stream().filter(a -> a == Admission.TRIAL).count(), admissions.toString());
        assertEquals(THREADS - 1, admissions.stream().filter(a -> a == Admission.REFUSED).count());
        assertEquals(StoreBreaker.State.open, breaker.state());
    }

    @Test
    void whileTheTrialCallIsUnderwayEveryOtherCallIsRefusedAndItsSuccessClosesTheBreaker() throws Exception {
        breaker.failed(refused());
        now.set(2000);
        CountDownLatch trialInside = new CountDownLatch(1);
        CountDownLatch storeAnswers = new CountDownLatch(1);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<String> trial = pool.submit(() -> breaker.call("trial", () -> {
                trialInside.countDown();
                await(storeAnswers);
                return "answered";
            }));
            trialInside.await();
            List<Boolean> others = AllAtOnce.run(THREADS, () -> {
                try {
                    breaker.call("other", () -> "should not run");
                    return false;
                } catch (StoreBreaker.Open refused) {
                    return true;
                }
            });
            assertEquals(Collections.nCopies(THREADS, true), others, "refused fast, as while open");
            storeAnswers.countDown();
            assertEquals("answered", trial.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(StoreBreaker.State.closed, breaker.state());
        assertEquals(Admission.ADMITTED, breaker.admit());
        assertEquals(List.of("redis open", "redis closed"), transitions);
    }

    @Test
    void aFailedTrialOpensItForAWholePeriodFromTheFailure() {
        breaker.failed(refused());
        now.set(2500);
        assertThrows(IllegalStateException.class, () -> breaker.call("trial", () -> {
            now.set(3000); // the store took half a second to fail
            throw new IllegalStateException("still down");
        }));
        now.set(4999);
        assertEquals(Admission.REFUSED, breaker.admit());
        now.set(5000);
        assertEquals(Admission.TRIAL, breaker.admit());
        assertEquals(List.of("redis open"), transitions, "half-open and back is no transition");
    }

    @Test
    void aTrialThatNeverReportsIsPresumedLostAfterItsLeaseAndTheNextRequestTriesInstead() {
        StoreBreaker leased = new StoreBreaker("postgres", 2000, 1, 10_000, now::get, (store, state, cause) -> { });
        leased.failed(new TimeoutException());
        now.set(2000);
        assertEquals(Admission.TRIAL, leased.admit(), "this trial's caller will never report");
        now.set(11_999);
        assertEquals(Admission.REFUSED, leased.admit());
        now.set(12_000);
        assertEquals(Admission.TRIAL, leased.admit());
        assertEquals(Admission.REFUSED, leased.admit());
    }

    @Test
    void aHealthProbesAnswerClosesItWithoutTakingTheTrial() {
        breaker.failed(refused());
        assertTrue(breaker.succeeded(), "a probe reached the store while requests were skipping it");
        assertEquals(Admission.ADMITTED, breaker.admit());
    }

    @Test
    void manyConcurrentFailuresOpenItOnceAndManyConcurrentSuccessesCloseItOnce() throws Exception {
        List<Boolean> opened = AllAtOnce.run(THREADS, () -> breaker.failed(refused()));
        assertEquals(1, opened.stream().filter(b -> b).count(), opened.toString());
        List<Boolean> closed = AllAtOnce.run(THREADS, breaker::succeeded);
        assertEquals(1, closed.stream().filter(b -> b).count(), closed.toString());
        assertEquals(List.of("redis open", "redis closed"), transitions);
    }

    @Test
    void concurrentSlowFailuresOpenItExactlyAtTheThirdAndOnce() throws Exception {
        List<Boolean> opened = AllAtOnce.run(THREADS, () -> breaker.failed(new TimeoutException()));
        assertEquals(1, opened.stream().filter(b -> b).count());
        assertEquals(List.of("redis open"), transitions);
        assertSame(StoreBreaker.State.open, breaker.state());
    }


    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
