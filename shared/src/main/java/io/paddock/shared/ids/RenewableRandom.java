package io.paddock.shared.ids;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * A cryptographically strong generator that can be replaced by a freshly seeded one: what every
 * generator of ids, secrets and salts in Paddock draws from, so that a SnapStart snapshot restored many
 * times over does not hand the same "random" bytes to every copy.
 *
 * <p>Why: Lambda SnapStart snapshots the JVM after init and resumes any number of execution environments
 * from that one memory image. A generator whose state lives in the heap (SHA1PRNG, DRBG, a
 * {@code java.util.Random}) then continues the same sequence in each copy, so two copies could mint the
 * same UUIDv7, the same refresh-token secret or the same salt. AWS ("Handling uniqueness with Lambda
 * SnapStart") calls the JDK's {@code SecureRandom} snap-resilient in its managed runtime only for some
 * algorithms and uses (the default {@code NativePRNG} mixes kernel bytes into every draw; an instance seeded
 * before the snapshot, or a DRBG, is not), and which algorithm {@code new SecureRandom()} picks depends on
 * the JDK's security properties. Rather than rely on that, every instance here is replaced after each
 * restore ({@link #renewAll()}, run by {@code snapshot.SnapshotHooks}) with a new {@code SecureRandom} seeded
 * from the restored kernel's entropy, which Firecracker re-seeds on restore.
 *
 * <p>Cost: one volatile read per draw; a renewal creates one {@code SecureRandom} per live instance (a handful
 * per container). Hazards: a draw racing a renewal may use the old generator once (renewals run before the
 * first request after a restore, so none race in practice). {@code ThreadLocalRandom} is not covered: its
 * per-thread state cannot be reseeded from outside; Paddock uses it only for log sampling and for how often
 * the PostgreSQL rate-limit fallback prunes, where copies agreeing does no harm.
 */
public final class RenewableRandom {

    /** Every live instance, weakly: one owned by a discarded bean is not kept alive for renewals. */
    private static final Set<RenewableRandom> LIVE = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private volatile SecureRandom generator;

    private RenewableRandom(SecureRandom initial) {
        this.generator = initial;
        LIVE.add(this);
    }

    /** A generator that is renewed after every SnapStart restore. */
    public static RenewableRandom create() {
        return new RenewableRandom(new SecureRandom());
    }

    /**
     * A generator starting from {@code initial}'s state: tests give a deterministically seeded one to stand
     * for the state two restored copies share.
     */
    public static RenewableRandom startingFrom(SecureRandom initial) {
        return new RenewableRandom(initial);
    }

    public void nextBytes(byte[] bytes) {
        generator.nextBytes(bytes);
    }

    public long nextLong() {
        return generator.nextLong();
    }

    /** Uniform in {@code [0, bound)}. */
    public long nextLong(long bound) {
        return generator.nextLong(bound);
    }

    /** Replaces this instance's generator with a new, freshly seeded one. */
    public void renew() {
        SecureRandom fresh = new SecureRandom();
        // Draw once now, so the seeding (a read of the kernel's entropy) happens here and not in a request.
        fresh.nextBytes(new byte[1]);
        generator = fresh;
    }

    /** {@link #renew()} on every live instance; returns how many were renewed. */
    public static int renewAll() {
        List<RenewableRandom> all;
        synchronized (LIVE) {
            all = new ArrayList<>(LIVE);
        }
        all.forEach(RenewableRandom::renew);
        return all.size();
    }
}
