package io.paddock.telemetry;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The shape of POST /v1/events for the OpenAPI document. The route reads the body as a tree, not as
 * this record, so that one bad event is rejected alone instead of failing the whole batch.
 */
@Schema(name = "EventBatch")
public record EventBatchDocument(
        @Schema(description = "Installation id for events sent without a bearer token (events may also carry their own)",
                maxLength = 128) String anonymousId,
        @Schema(required = true, maxItems = 100) List<Event> events) {

    @Schema(name = "UsageEvent")
    public record Event(
            @Schema(required = true, format = "uuid", description = "Chosen by the client; the same id is stored once") String eventId,
            @Schema(maxLength = 128) String anonymousId,
            @Schema(required = true, enumeration = {"impression", "dwell_start", "dwell_end", "click", "open", "share",
                    "like", "save", "hide", "report"}) String type,
            @Schema(maxLength = 200) String itemId,
            @Schema(maxLength = 64) String surface,
            @Schema(maxLength = 64) String lane,
            @Schema(maxLength = 128, description = "X-Request-Id of the feed response that showed the item; an impression "
                    + "counts in CTR only if that response was served to its sender") String feedRequestId,
            @Schema(required = true, format = "date-time", description = "At most 24 h ahead and 7 days back") String occurredAt,
            @Schema(description = "Allow-listed keys per type; depth ≤ 3, ≤ 32 keys, ≤ 2 KiB; personal data is scrubbed")
            Map<String, Object> meta) {
    }
}
