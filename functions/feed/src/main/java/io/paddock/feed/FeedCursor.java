package io.paddock.feed;

import io.paddock.shared.http.Problem;
import io.paddock.shared.http.StorableText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The opaque {@code cursor} of the feeds: the keyset position (created_at to the microsecond, id) of
 * the last item of a page. Any text that does not decode to exactly that shape is a 400.
 */
public record FeedCursor(Instant createdAt, UUID id) {

    private static final Pattern SHAPE = Pattern.compile("f1\\.(\\d{1,18})\\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("f1." + micros + "." + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** Null for no cursor (the first page); 400 for anything the server did not issue. */
    public static FeedCursor decode(String text) {
        if (text == null) {
            return null;
        }
        try {
            if (text.length() > 100) {
                throw new IllegalArgumentException("too long");
            }
            Matcher m = SHAPE.matcher(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII));
            if (!m.matches()) {
                throw new IllegalArgumentException("shape");
            }
            Instant createdAt = Instant.EPOCH.plus(Long.parseLong(m.group(1)), ChronoUnit.MICROS);
            if (!StorableText.saneInstant(createdAt)) {
                throw new IllegalArgumentException("out of range"); // no post lies outside; the store would refuse it
            }
            return new FeedCursor(createdAt, UUID.fromString(m.group(2)));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw Problem.invalid("A query parameter is invalid",
                    List.of(new Problem.FieldError("cursor", "is not a cursor this API issued")));
        }
    }
}
