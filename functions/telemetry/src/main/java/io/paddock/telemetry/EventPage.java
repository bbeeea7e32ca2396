package io.paddock.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.paddock.shared.http.TimeOrderedCursor;
import java.time.Instant;
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
            return new TimeOrderedCursor(occurredAt, eventId).encode(VERSION);
        }

        /**
         * It only moves within the caller's own rows (row-level security).
         *
         * @throws IllegalArgumentException for anything this server did not issue ({@link TimeOrderedCursor})
         */
        public static Cursor decode(String cursor) {
            TimeOrderedCursor position = TimeOrderedCursor.decode(VERSION, cursor);
            return new Cursor(position.at(), position.id());
        }
    }
}
