package io.paddock.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.paddock.shared.http.Problem;
import io.paddock.shared.http.StorableText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

    /** Events may be dated from 2000 up to the end of 2100: outside that no clock drifted, the value is garbage. */
    static final Instant EARLIEST = StorableText.EARLIEST;
    static final Instant END = StorableText.END;

    /** A body full of bad text is named this far, not further: the client needs the kind, not every spot. */
    static final int MAX_FIELD_ERRORS = 20;

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
     * What refuses the whole batch (400) instead of one event, as the contract's v1.1 says for every route:
     * text PostgreSQL cannot store anywhere in the body, field names at any depth of {@code meta} included,
     * and an {@code occurredAt} outside the years 2000–2100. The store refuses NUL (U+0000) in text and in
     * jsonb, and would turn an unpaired UTF-16 surrogate into something else; such a batch must never reach
     * it, because a refusal there once looked like an outage, parked the batch and stopped the replay.
     * The whole body is walked, fields the event check would drop included, so nothing depends on which
     * fields happen to be stored today.
     *
     * @return one error per offending spot (at most {@link #MAX_FIELD_ERRORS}); empty when the batch may go on
     */
    public static List<Problem.FieldError> batchRefusals(JsonNode body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        unstorableText(body, "", errors);
        JsonNode events = body.path("events");
        for (int i = 0; i < events.size() && errors.size() < MAX_FIELD_ERRORS; i++) {
            JsonNode at = events.get(i).path("occurredAt");
            if (at.isTextual() && outsideSaneYears(at.asText())) {
                errors.add(new Problem.FieldError("events[" + i + "].occurredAt", "must lie in the years 2000 to 2100"));
            }
        }
        return errors;
    }

    /** RFC 3339 has no signed years; Java's parser reads them (+10000-…), and they are out of range by definition. */
    private static boolean outsideSaneYears(String text) {
        if (text.startsWith("+") || text.startsWith("-")) {
            return true;
        }
        try {
            Instant at = Instant.parse(text);
            return at.isBefore(EARLIEST) || !at.isBefore(END);
        } catch (DateTimeParseException e) {
            return false; // not an instant at all: the event alone is rejected for that
        }
    }

    private static void unstorableText(JsonNode node, String path, List<Problem.FieldError> errors) {
        if (errors.size() >= MAX_FIELD_ERRORS) {
            return;
        }
        if (node.isTextual()) {
            String problem = unstorable(node.asText());
            if (problem != null) {
                errors.add(new Problem.FieldError(path.isEmpty() ? "body" : path, "must not contain " + problem));
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String problem = unstorable(field.getKey());
                if (problem != null) {
                    // The name itself is not echoed: it is the bad text.
                    errors.add(new Problem.FieldError(path.isEmpty() ? "body" : path, "has a field name with " + problem));
                    continue;
                }
                unstorableText(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                unstorableText(node.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    /** Why PostgreSQL cannot keep {@code text} as it is, or null when it can: the shared check. */
    static String unstorable(String text) {
        return StorableText.problem(text);
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
