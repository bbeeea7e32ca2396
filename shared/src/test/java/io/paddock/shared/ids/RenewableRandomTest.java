package io.paddock.shared.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Two execution environments restored from one SnapStart snapshot start with the same generator state. Two
 * generators seeded alike stand for them here: without a renewal they draw the same bytes (the hazard is real),
 * after one they do not.
 */
class RenewableRandomTest {

    @Test
    void twoCopiesOfOneGeneratorStateDrawTheSameBytesUntilRenewed() throws NoSuchAlgorithmException {
        RenewableRandom copyA = RenewableRandom.startingFrom(snapshotState());
        RenewableRandom copyB = RenewableRandom.startingFrom(snapshotState());
        assertArrayEquals(draw(copyA), draw(copyB));

        copyA.renew();
        copyB.renew();

        assertFalse(Arrays.equals(draw(copyA), draw(copyB)));
    }

    @Test
    void renewingAllReachesEveryLiveGenerator() throws NoSuchAlgorithmException {
        RenewableRandom copyA = RenewableRandom.startingFrom(snapshotState());
        RenewableRandom copyB = RenewableRandom.startingFrom(snapshotState());

        assertTrue(RenewableRandom.renewAll() >= 2);

        assertFalse(Arrays.equals(draw(copyA), draw(copyB)));
    }

    private static SecureRandom snapshotState() throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(new byte[] {42});
        return random;
    }

    private static byte[] draw(RenewableRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }
}
