package io.paddock.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** One accepted usage event, validated and with its meta already scrubbed. */
public record UsageEvent(UUID eventId, String anonymousId, String type, String itemId, String surface, String lane,
        String feedRequestId, Instant occurredAt, ObjectNode meta) {

    public static final Set<String> TYPES = Set.of("impression", "dwell_start", "dwell_end", "click", "open",
            "share", "like", "save", "hide", "report");
}
