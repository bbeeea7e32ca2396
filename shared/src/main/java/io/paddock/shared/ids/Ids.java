package io.paddock.shared.ids;

import java.util.UUID;

/** UUIDv7 (RFC 9562): time-ordered, so new rows land at the right edge of B-tree indexes. */
public final class Ids {

    /** Renewed after every SnapStart restore, so restored copies never mint the same ids. */
    private static final RenewableRandom RANDOM = RenewableRandom.create();

    private Ids() {
    }

    public static UUID uuidV7() {
        long millis = System.currentTimeMillis();
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long msb = (millis << 16) | 0x7000L | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
        long lsb = 0x8000000000000000L | ((random[2] & 0x3FL) << 56);
        for (int i = 3; i < 10; i++) {
            lsb |= (random[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(msb, lsb);
    }
}
