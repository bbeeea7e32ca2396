package io.paddock.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.paddock.shared.http.Problem;
import io.paddock.shared.http.RequestIds;
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
import java.util.regex.Pattern;

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

    /** The id formats; the OpenAPI document states the same ones ({@link EventBatchDocument}). */
    static final String ITEM_ID_FORMAT = "[A-Za-z0-9._:-]{1,200}";
    static final String SLUG_FORMAT = "[a-z][a-z0-9_-]{0,63}";
    static final String FEED_REQUEST_ID_FORMAT = RequestIds.TOKEN_PATTERN;
    static final String ANONYMOUS_ID_FORMAT = "[A-Za-z0-9._:-]{1,128}";

    /**
     * The id fields are held to strict ASCII formats instead of being scrubbed: a scrubbed id ("[email]")
     * would be stored and counted as an id, and the formats leave no room for {@code @}, {@code +}, spaces or
     * any other script. Formats alone still admit an id that is a phone number or an IP address, so
     * {@link TextScrubber#personalDataIn} also judges every id, and an id that reads as personal data refuses
     * its event: the client learns its id scheme is wrong instead of its analytics silently losing the item.
     *
     * <p>itemId: the feed's ids are UUIDv7 and clients may prefix them ({@code post:…}) or use their own
     * slugs. surface and lane name places in an app: lowercase slugs. feedRequestId: what the feed answers
     * in X-Request-Id (which echoes only such tokens). anonymousId: a client-generated installation id.
     */
    public enum IdField {
        ITEM_ID("itemId", ITEM_ID_FORMAT, "an id of 1 to 200 characters A-Z, a-z, 0-9, '.', '_', ':' or '-'"),
        SURFACE("surface", SLUG_FORMAT, "a lowercase slug of 1 to 64 characters a-z, 0-9, '_' or '-', starting with a letter"),
        LANE("lane", SLUG_FORMAT, "a lowercase slug of 1 to 64 characters a-z, 0-9, '_' or '-', starting with a letter"),
        FEED_REQUEST_ID("feedRequestId", FEED_REQUEST_ID_FORMAT, "the feed response's X-Request-Id: 8 to 128 characters "
                + "A-Z, a-z, 0-9, '.', '_', ':' or '-'"),
        ANONYMOUS_ID("anonymousId", ANONYMOUS_ID_FORMAT, "an installation id of 1 to 128 characters A-Z, a-z, 0-9, "
                + "'.', '_', ':' or '-'");

        public final String field;
        private final Pattern format;
        private final String described;

        IdField(String field, String format, String described) {
            this.field = field;
            this.format = Pattern.compile(format);
            this.described = described;
        }

        /** Why {@code value} may not be stored in this field, or null when it may. The value is never echoed. */
        public String problem(JsonNode value) {
            if (!value.isTextual() || !format.matcher(value.asText()).matches()) {
                return field + " must be " + described;
            }
            String personal = TextScrubber.personalDataIn(value.asText());
            return personal == null ? null : field + " reads as " + personal + "; ids must not carry personal data";
        }
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
     * What refuses the whole batch (400) instead of one event, as the contract's v1.1 says for every route:
     * text PostgreSQL cannot store anywhere in the body, field names at any depth of {@code meta} included,
     * an {@code occurredAt} outside the years 2000–2100, and a batch {@code anonymousId} that is not an
     * installation id ({@link IdField#ANONYMOUS_ID}) — with a bearer token too, where it is not used: a body
     * that breaks the documented format is the client's mistake either way, and one accepted with a token
     * would be refused the day the same client sends it without. The store refuses
     * NUL (U+0000) in text and in jsonb, and would turn an unpaired UTF-16 surrogate into something else;
     * such a batch must never reach it, because a refusal there once looked like an outage, parked the batch
     * and stopped the replay. The whole body is walked, fields the event check would drop included, so
     * nothing depends on which fields happen to be stored today.
     *
     * @return one error per offending spot (at most {@link #MAX_FIELD_ERRORS}); empty when the batch may go on
     */
    public static List<Problem.FieldError> batchRefusals(JsonNode body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        unstorableText(body, "", errors);
        // The batch's anonymousId stands for every event of an anonymous batch: a bad one is the batch's fault.
        JsonNode anonymousId = body.path("anonymousId");
        if (!anonymousId.isMissingNode() && !anonymousId.isNull() && errors.isEmpty()) {
            String problem = IdField.ANONYMOUS_ID.problem(anonymousId);
            if (problem != null) {
                errors.add(new Problem.FieldError("anonymousId", problem));
            }
        }
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
        String itemId;
        String surface;
        String lane;
        String feedRequestId;
        try {
            // Held to its format with a bearer token too (then it is not stored), as the batch's is.
            String ownAnonymousId = optionalId(event, IdField.ANONYMOUS_ID);
            if (!authenticated) {
                anonymousId = ownAnonymousId != null ? ownAnonymousId : defaultAnonymousId;
                if (anonymousId == null) {
                    return reject("anonymousId is required without a bearer token");
                }
            }
            itemId = optionalId(event, IdField.ITEM_ID);
            surface = optionalId(event, IdField.SURFACE);
            lane = optionalId(event, IdField.LANE);
            feedRequestId = optionalId(event, IdField.FEED_REQUEST_ID);
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

    private static String optionalId(JsonNode event, IdField id) {
        JsonNode value = event.get(id.field);
        if (value == null || value.isNull()) {
            return null;
        }
        String problem = id.problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return value.asText();
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static Outcome reject(String reason) {
        return new Outcome(null, reason);
    }
}
