package io.paddock.shared.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * L0, per container and in memory, checked before Redis is asked. Two cheap refusals, each a map lookup:
 * <ul>
 * <li>a key that L1 refused is refused here until L1 said it may retry — a client hammering through a
 * 429 costs no Redis round trip, and it gets the same Retry-After;</li>
 * <li>more than {@code burst} requests of one key in one second (fixed one-second windows).</li>
 * </ul>
 * Coarse on purpose: a Lambda container serves one request at a time, so in AWS it mostly catches a
 * client hammering a warm container (locally it sees everything); exactness is L1's job.
 */
public final class BurstLimiter {

    /** Beyond this many keys, entries with nothing left to remember are dropped (memory stays bounded). */
    static final int MAX_KEYS = 10_000;

    /** {@code refused}: refusals made here that L1 has not heard of yet (they still count towards offenders). */
    private record Entry(long second, int count, long blockedUntil, int refused) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;

    public BurstLimiter(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** Counts the request; 0 when admitted, else how many milliseconds the key must wait. */
    public long refuseFor(String key, int burst) {
        long now = clockMillis.getAsLong();
        long second = now / 1000;
        if (entries.size() >= MAX_KEYS) {
            entries.values().removeIf(e -> e.second() < second && e.blockedUntil() <= now && e.refused() == 0);
        }
        Entry e = entries.compute(key, (k, old) -> {
            int refused = old == null ? 0 : old.refused();
            if (old != null && old.blockedUntil() > now) {
                return new Entry(old.second(), old.count(), old.blockedUntil(), saturated(refused + 1));
            }
            int count = old == null || old.second() != second ? 1 : Math.min(old.count() + 1, burst + 1);
            return new Entry(second, count, 0, count > burst ? saturated(refused + 1) : refused);
        });
        if (e.blockedUntil() > now) {
            return e.blockedUntil() - now;
        }
        return e.count() <= burst ? 0 : 1000 - now % 1000;
    }

    /** The refusals made here since the last call, for L1's offender count (which then owns them). */
    public int takeRefusals(String key) {
        int[] taken = {0};
        entries.computeIfPresent(key, (k, old) -> {
            taken[0] = old.refused();
            return new Entry(old.second(), old.count(), old.blockedUntil(), 0);
        });
        return taken[0];
    }

    private static int saturated(int n) {
        return Math.min(n, 1_000_000);
    }

    /** L1 refused the key until {@code untilMillis}: refuse it here until then too. */
    public void blockUntil(String key, long untilMillis) {
        entries.compute(key, (k, old) -> old == null
                ? new Entry(untilMillis / 1000, 0, untilMillis, 0)
                : new Entry(old.second(), old.count(), Math.max(old.blockedUntil(), untilMillis), old.refused()));
    }

    /** Forgets every key starting with the prefix (admin unblock; other containers forget within the block). */
    public void clear(String keyPrefix) {
        entries.keySet().removeIf(k -> k.startsWith(keyPrefix));
    }

    int size() {
        return entries.size();
    }
}
