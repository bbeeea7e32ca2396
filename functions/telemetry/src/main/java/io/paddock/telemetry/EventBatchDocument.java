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
        @Schema(description = "Installation id for events sent without a bearer token (events may also carry their own); "
                + "one that breaks the pattern or reads as personal data refuses the batch (400), with a bearer token too",
                maxLength = 128, pattern = ANONYMOUS_ID) String anonymousId,
        @Schema(required = true, minItems = 1, maxItems = 100) List<Event> events) {

    static final String ANONYMOUS_ID = "^" + EventValidator.ANONYMOUS_ID_FORMAT + "$";
    static final String SLUG = "^" + EventValidator.SLUG_FORMAT + "$";
    static final String ID_RULE = "An id that reads as personal data (only digits and separators, 7 digits or more; "
            + "an IP address; a JWT or an AWS access key id) rejects the event.";

    @Schema(name = "UsageEvent")
    public record Event(
            @Schema(required = true, format = "uuid", description = "Chosen by the client; the same id is stored once") String eventId,
            @Schema(maxLength = 128, pattern = ANONYMOUS_ID, description = ID_RULE) String anonymousId,
            @Schema(required = true, enumeration = {"impression", "dwell_start", "dwell_end", "click", "open", "share",
                    "like", "save", "hide", "report"}) String type,
            @Schema(maxLength = 200, pattern = "^" + EventValidator.ITEM_ID_FORMAT + "$",
                    description = "The item's id, e.g. a post's UUID, optionally prefixed (post:…). " + ID_RULE) String itemId,
            @Schema(maxLength = 64, pattern = SLUG, description = "Where the item was shown: a lowercase slug, e.g. home")
            String surface,
            @Schema(maxLength = 64, pattern = SLUG, description = "The feed lane: a lowercase slug, e.g. for_you") String lane,
            @Schema(maxLength = 128, pattern = "^" + EventValidator.FEED_REQUEST_ID_FORMAT + "$",
                    description = "X-Request-Id of the feed response that showed the item; an impression counts in CTR only "
                    + "if that response was served to its sender. " + ID_RULE) String feedRequestId,
            @Schema(required = true, format = "date-time", description = "At most 24 h ahead and 7 days back") String occurredAt,
            @Schema(description = "Allow-listed keys per type; depth ≤ 3, ≤ 32 keys, ≤ 2 KiB. Text is stored in NFKC, "
                    + "and personal data in values and keys is replaced by markers: [email], [phone], [ip], [card], [token]")
            Map<String, Object> meta) {
    }
}
