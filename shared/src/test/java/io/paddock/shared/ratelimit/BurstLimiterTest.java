package io.paddock.shared.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BurstLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final BurstLimiter limiter = new BurstLimiter(now::get);

    @Test
    void admitsTheBurstPerSecondAndKeyThenRefusesUntilTheNextSecond() {
        now.set(1_000_250);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, limiter.refuseFor("ip:1|read", 5), "request " + (i + 1));
        }
        assertEquals(750, limiter.refuseFor("ip:1|read", 5), "until the next second");
        assertEquals(0, limiter.refuseFor("ip:2|read", 5), "another key is not affected");
        now.set(1_001_000);
        assertEquals(0, limiter.refuseFor("ip:1|read", 5), "a new second");
    }

    @Test
    void aKeyL1RefusedIsRefusedHereUntilL1SaidItMayRetry() {
        limiter.blockUntil("ip:1|write", now.get() + 4_000);
        assertEquals(4_000, limiter.refuseFor("ip:1|write", 100));
        now.addAndGet(3_999);
        assertEquals(1, limiter.refuseFor("ip:1|write", 100));
        now.addAndGet(1);
        assertEquals(0, limiter.refuseFor("ip:1|write", 100));
        assertEquals(0, limiter.refuseFor("ip:1|read", 100), "other categories were not refused");
    }

    @Test
    void refusalsMadeHereAreHandedToL1Once() {
        limiter.blockUntil("ip:1|write", now.get() + 4_000);
        for (int i = 0; i < 7; i++) {
            limiter.refuseFor("ip:1|write", 100);
        }
        assertEquals(7, limiter.takeRefusals("ip:1|write"));
        assertEquals(0, limiter.takeRefusals("ip:1|write"));
        assertEquals(0, limiter.takeRefusals("ip:unknown|write"));
    }

    @Test
    void clearForgetsAKeysWindowsAndBlocks() {
        assertEquals(0, limiter.refuseFor("ip:1|auth", 1));
        limiter.blockUntil("ip:1|read", now.get() + 60_000);
        limiter.clear("ip:1|");
        assertEquals(0, limiter.refuseFor("ip:1|auth", 1));
        assertEquals(0, limiter.refuseFor("ip:1|read", 1));
    }

    @Test
    void memoryStaysBoundedUnderManyKeys() {
        for (int i = 0; i < BurstLimiter.MAX_KEYS; i++) {
            limiter.refuseFor("ip:" + i + "|read", 5);
        }
        now.addAndGet(1000);
        limiter.refuseFor("ip:new|read", 5);
        assertEquals(1, limiter.size(), "entries of past seconds were dropped");
    }
}
