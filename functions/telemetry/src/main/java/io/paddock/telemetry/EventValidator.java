package io.paddock.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;

/**
 * Judges each event of a batch on its own: a bad event is rejected with a reason, the others go on.
 * Clocks on phones drift, so occurredAt may lie up to a day ahead; events older than the late window
 * would land in partitions the retention is about to drop, so they are refused.
 */
public final class EventValidator {

    /** Either the event or why it was refused. */
    public record Outcome(UsageEvent event, String rejection) {
    }

    private static final Set<String> FIELDS = Set.of("eventId", "anonymousId", "type", "itemId", "surface", "lane", "feedRequestId",
            "occurredAt", "meta");

    private final MetaSanitizer sanitizer;
    private final Clock clock;
    private final Duration maxAhead;
    private final Duration maxLate;

    public EventValidator(MetaSanitizer sanitizer, Clock clock, Duration maxAhead, Duration maxLate) {
        this.sanitizer = sanitizer;
        this.clock = clock;
        this.maxAhead = maxAhead;
        this.maxLate = maxLate;
    }

    /**
     * @param defaultAnonymousId the batch's anonymousId, used when the event names none; ignored (null)
     *                           when the caller is authenticated
     */
    public Outcome validate(JsonNode event, boolean authenticated, String defaultAnonymousId) {
        if (event == null || !event.isObject()) {
            return reject("an event must be a JSON object");
        }
        for (Iterator<String> names = event.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return reject("unknown field " + truncate(name));
            }
        }
        JsonNode id = event.get("eventId");
        if (id == null || !id.isTextual()) {
            return reject("eventId is required (a UUID chosen by the client)");
        }
        UUID eventId;
        try {
            eventId = UUID.fromString(id.asText());
            if (!id.asText().equalsIgnoreCase(eventId.toString())) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            return reject("eventId must be a UUID");
        }
        JsonNode type = event.get("type");
        if (type == null || !type.isTextual() || !UsageEvent.TYPES.contains(type.asText())) {
            return reject("type must be one of " + String.join(", ", UsageEvent.TYPES.stream().sorted().toList()));
        }
        JsonNode at = event.get("occurredAt");
        if (at == null || !at.isTextual()) {
            return reject("occurredAt is required (RFC 3339, e.g. 2026-11-24T07:30:00.000Z)");
        }
        Instant occurredAt;
        try {
            occurredAt = Instant.parse(at.asText());
        } catch (DateTimeParseException e) {
            return reject("occurredAt must be an RFC 3339 UTC timestamp");
        }
        Instant now = clock.instant();
        if (occurredAt.isAfter(now.plus(maxAhead))) {
            return reject("occurredAt is more than " + maxAhead.toHours() + " h in the future");
        }
        if (occurredAt.isBefore(now.minus(maxLate))) {
            return reject("occurredAt is more than " + maxLate.toDays() + " days in the past");
        }
        String anonymousId = null;
        if (!authenticated) {
            try {
                anonymousId = optionalText(event, "anonymousId", 128);
            } catch (IllegalArgumentException e) {
                return reject(e.getMessage());
            }
            anonymousId = anonymousId != null ? anonymousId : defaultAnonymousId;
            if (anonymousId == null) {
                return reject("anonymousId is required without a bearer token");
            }
        }
        String itemId;
        String surface;
        String lane;
        String feedRequestId;
        try {
            itemId = optionalText(event, "itemId", 200);
            surface = optionalText(event, "surface", 64);
            lane = optionalText(event, "lane", 64);
            feedRequestId = optionalText(event, "feedRequestId", 128);
        } catch (IllegalArgumentException e) {
            return reject(e.getMessage());
        }
        MetaSanitizer.Result meta = sanitizer.sanitize(type.asText(), event.get("meta"));
        if (!meta.accepted()) {
            return reject(meta.rejection());
        }
        return new Outcome(new UsageEvent(eventId, anonymousId, type.asText(), itemId, surface, lane, feedRequestId, occurredAt,
                meta.meta()), null);
    }

    private static String optionalText(JsonNode event, String field, int maxLength) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        String text = value.asText();
        if (text.codePointCount(0, text.length()) > maxLength || text.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException(field + " must be at most " + maxLength + " printable characters");
        }
        return text;
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static Outcome reject(String reason) {
        return new Outcome(null, reason);
    }
}
