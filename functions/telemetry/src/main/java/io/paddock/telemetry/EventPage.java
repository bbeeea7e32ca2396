package io.paddock.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.paddock.shared.http.StorableText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of GET /v1/events and the keyset cursor that continues it. */
public record EventPage(List<Item> items,
        @Schema(nullable = true, description = "Pass as ?cursor= for the next page; null at the end") String nextCursor) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String eventId, String userId, String anonymousId, String type, String itemId, String surface,
            String lane, String feedRequestId, String occurredAt, String receivedAt, @JsonRawValue @Schema(type = SchemaType.OBJECT, additionalProperties = Schema.True.class) String meta) {
    }

    /** Position after the last item: (occurredAt, eventId), newest first. */
    public record Cursor(Instant occurredAt, UUID eventId) {

        private static final String VERSION = "e1";

        public String encode() {
            String raw = VERSION + "|" + occurredAt.toEpochMilli() + "|" + occurredAt.getNano() % 1_000_000 + "|" + eventId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * @throws IllegalArgumentException for anything this server did not issue. The cursor only moves
         *         within the caller's own rows (row-level security), so a forged one reveals nothing;
         *         it is validated, not signed.
         */
        public static Cursor decode(String cursor) {
            try {
                if (cursor.length() > 200) {
                    throw new IllegalArgumentException();
                }
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                if (parts.length != 4 || !VERSION.equals(parts[0])) {
                    throw new IllegalArgumentException();
                }
                long nanos = Long.parseLong(parts[2]);
                if (nanos < 0 || nanos >= 1_000_000) {
                    throw new IllegalArgumentException();
                }
                Instant at = Instant.ofEpochMilli(Long.parseLong(parts[1])).plusNanos(nanos);
                if (!StorableText.saneInstant(at)) {
                    throw new IllegalArgumentException(); // no stored event lies outside; the store would refuse it
                }
                UUID id = UUID.fromString(parts[3]);
                if (!parts[3].equals(id.toString())) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(at, id);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cursor was not issued by this server");
            }
        }
    }
}
