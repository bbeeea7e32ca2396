package io.paddock.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.ids.Ids;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void saneClientIdsAreKeptAndOthersReplaced() {
        assertEquals("req-12345678", RequestIds.acceptOrCreate("req-12345678"));
        for (String bad : new String[] {null, "", "short", "has space in it", "a\r\nX-Injected: 1", "x".repeat(129)}) {
            String id = RequestIds.acceptOrCreate(bad);
            assertNotEquals(bad, id);
            assertEquals(7, UUID.fromString(id).version());
        }
    }

    @Test
    void uuidV7IsTimeOrderedAndRfcVariant() {
        UUID first = Ids.uuidV7();
        UUID later = first;
        for (int i = 0; i < 5 && later.getMostSignificantBits() >>> 16 == first.getMostSignificantBits() >>> 16; i++) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            later = Ids.uuidV7();
        }
        assertEquals(7, first.version());
        assertEquals(2, first.variant());
        assertTrue(later.toString().compareTo(first.toString()) > 0, first + " then " + later);
    }
}
