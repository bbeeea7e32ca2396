package io.paddock.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedCursorTest {

    private static final TimeOrderedCursor POSITION =
            new TimeOrderedCursor(Instant.parse("2026-12-02T11:00:00.123456Z"), UUID.fromString("01900b16-0002-7000-8000-000000000042"));

    @Test
    void aCursorComesBackToTheSamePositionToTheMicrosecond() {
        assertEquals(POSITION, TimeOrderedCursor.decode("a1", POSITION.encode("a1")));
    }

    @Test
    void aCursorOfAnotherListIsRefused() {
        String events = POSITION.encode("e1");
        assertThrows(IllegalArgumentException.class, () -> TimeOrderedCursor.decode("a1", events));
    }

    @Test
    void aCursorThisServerNeverIssuedIsRefused() {
        for (String forged : new String[] {"", "not base64!", raw("a1|1|2"), raw("a1|x|0|" + POSITION.id()),
                raw("a1|1796215442516|1000000|" + POSITION.id()), raw("a1|1796215442516|0|not-a-uuid"),
                raw("a1|1796215442516|0|01900B16-0002-7000-8000-000000000042"), raw("a1|99999999999999|0|" + POSITION.id()),
                "A".repeat(201)}) {
            assertThrows(IllegalArgumentException.class, () -> TimeOrderedCursor.decode("a1", forged), forged);
        }
    }

    private static String raw(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
