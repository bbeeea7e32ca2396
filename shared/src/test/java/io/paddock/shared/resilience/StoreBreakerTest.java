package io.paddock.shared.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StoreBreakerTest {

    @Test
    void aFailureKeepsRequestsOffTheStoreForTheOpenPeriodThenOneTriesAgain() {
        AtomicLong now = new AtomicLong(0);
        List<String> transitions = new ArrayList<>();
        StoreBreaker breaker = new StoreBreaker("redis", 2000, now::get, (store, state, cause) -> transitions.add(store + " " + state));
        assertEquals(StoreBreaker.State.closed, breaker.state());
        assertTrue(breaker.allowsRequest());
        assertTrue(breaker.failed(new IllegalStateException("down")), "the first failure opens it");
        assertFalse(breaker.allowsRequest());
        now.set(1999);
        assertFalse(breaker.allowsRequest());
        now.set(2000);
        assertTrue(breaker.allowsRequest(), "half open: one more try");
        assertFalse(breaker.failed(new IllegalStateException("down")), "still failing: not a new transition");
        assertFalse(breaker.allowsRequest());
        now.set(4000);
        assertTrue(breaker.succeeded(), "Redis answered: closed again");
        assertTrue(breaker.allowsRequest());
        assertFalse(breaker.succeeded());
        assertEquals(List.of("redis open", "redis closed"), transitions, "each transition reported once");
    }
}
