package io.paddock.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * One accepted usage event, validated and with its meta already scrubbed. {@code served}: for an
 * impression, whether its feedRequestId names a feed response served to its sender (null: unknown, or not
 * an impression); decided at ingestion, before the event is stored or parked.
 */
public record UsageEvent(UUID eventId, String anonymousId, String type, String itemId, String surface, String lane,
        String feedRequestId, Instant occurredAt, ObjectNode meta, Boolean served) {

    public static final Set<String> TYPES = Set.of("impression", "dwell_start", "dwell_end", "click", "open",
            "share", "like", "save", "hide", "report");

    public static final String IMPRESSION = "impression";

    /** An event as the client sent it: not yet checked against the served feeds. */
    public UsageEvent(UUID eventId, String anonymousId, String type, String itemId, String surface, String lane,
            String feedRequestId, Instant occurredAt, ObjectNode meta) {
        this(eventId, anonymousId, type, itemId, surface, lane, feedRequestId, occurredAt, meta, null);
    }

    public UsageEvent withServed(Boolean served) {
        return new UsageEvent(eventId, anonymousId, type, itemId, surface, lane, feedRequestId, occurredAt, meta, served);
    }
}
