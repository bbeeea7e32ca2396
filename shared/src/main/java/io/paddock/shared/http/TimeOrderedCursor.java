package io.paddock.shared.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque {@code ?cursor=} of a list read newest first on a keyset (an instant, then a UUID to break ties):
 * the position after the last item of a page. Each list names its own {@code version}, so a cursor of one list
 * is refused by another, and a list that changes its order can refuse its old cursors. Microseconds survive the
 * round trip (PostgreSQL keeps them). Validated, not signed: every list using it only moves within rows its
 * caller may read anyway, so a forged position reveals nothing.
 */
public record TimeOrderedCursor(Instant at, UUID id) {

    private static final int MAX_LENGTH = 200;

    public String encode(String version) {
        String raw = version + "|" + at.toEpochMilli() + "|" + at.getNano() % 1_000_000 + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException for anything this server did not issue as a {@code version} cursor */
    public static TimeOrderedCursor decode(String version, String cursor) {
        try {
            if (cursor.length() > MAX_LENGTH) {
                throw new IllegalArgumentException();
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
            if (parts.length != 4 || !version.equals(parts[0])) {
                throw new IllegalArgumentException();
            }
            long nanos = Long.parseLong(parts[2]);
            if (nanos < 0 || nanos >= 1_000_000) {
                throw new IllegalArgumentException();
            }
            Instant at = Instant.ofEpochMilli(Long.parseLong(parts[1])).plusNanos(nanos);
            if (!StorableText.saneInstant(at)) {
                throw new IllegalArgumentException(); // no stored row lies outside; the store would refuse it
            }
            UUID id = UUID.fromString(parts[3]);
            if (!parts[3].equals(id.toString())) {
                throw new IllegalArgumentException();
            }
            return new TimeOrderedCursor(at, id);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cursor was not issued by this server");
        }
    }
}
