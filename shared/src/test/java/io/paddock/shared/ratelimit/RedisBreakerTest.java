package io.paddock.shared.ratelimit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RedisBreakerTest {

    @Test
    void aFailureKeepsRequestsOffRedisForTheOpenPeriodThenOneTriesAgain() {
        AtomicLong now = new AtomicLong(0);
        RedisBreaker breaker = new RedisBreaker(2000, now::get);
        assertTrue(breaker.allowsRequest());
        assertTrue(breaker.failed(), "the first failure opens it");
        assertFalse(breaker.allowsRequest());
        now.set(1999);
        assertFalse(breaker.allowsRequest());
        now.set(2000);
        assertTrue(breaker.allowsRequest(), "half open: one more try");
        assertFalse(breaker.failed(), "still failing: not a new transition");
        assertFalse(breaker.allowsRequest());
        now.set(4000);
        assertTrue(breaker.succeeded(), "Redis answered: closed again");
        assertTrue(breaker.allowsRequest());
        assertFalse(breaker.succeeded());
    }
}
