package io.paddock.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.paddock.shared.observability.RequestRecords;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A batch in, counters out: each event judged alone, the valid ones stored in one statement. */
@ApplicationScoped
public class EventIngestion {

    public static final int MAX_EVENTS = 100;

    public record Rejected(int index, String reason) {
    }

    /**
     * {@code parked}: PostgreSQL was unavailable and the valid events were kept durably to be stored
     * later; they count as accepted, and duplicates among them are only found when they are stored.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Receipt(int accepted, int duplicates, List<Rejected> rejected, boolean parked) {
    }

    /** The batch as a whole is unusable (not its events): a 4xx for the client. */
    public static final class BadBatch extends RuntimeException {
        public final int status;

        BadBatch(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EventIngestion.class);

    private final EventStore store;
    private final ParkedBatches parking;
    private final EventValidator validator;

    @jakarta.inject.Inject
    public EventIngestion(EventStore store, ParkedBatches parking) {
        this(store, parking, new EventValidator(MetaSanitizer.withDefaults(), Clock.systemUTC(), Duration.ofHours(24),
                Duration.ofDays(7)));
    }

    public EventIngestion(EventStore store, ParkedBatches parking, EventValidator validator) {
        this.store = store;
        this.parking = parking;
        this.validator = validator;
    }

    /**
     * Stores the valid events; if PostgreSQL cannot take them, parks them (202 parked) — the client's app
     * never breaks over telemetry. Throws only when the parking store fails too.
     */
    public Receipt ingest(UUID userId, boolean admin, JsonNode body) throws SQLException {
        if (body == null || !body.isObject() || !body.path("events").isArray()) {
            throw new BadBatch(400, "The body must be {\"events\": [ ... ]}");
        }
        JsonNode events = body.get("events");
        if (events.isEmpty()) {
            throw new BadBatch(400, "events is empty");
        }
        if (events.size() > MAX_EVENTS) {
            throw new BadBatch(413, "At most " + MAX_EVENTS + " events per batch; got " + events.size());
        }
        JsonNode batchAnonymous = body.get("anonymousId");
        String defaultAnonymousId = batchAnonymous != null && batchAnonymous.isTextual()
                && !batchAnonymous.asText().isBlank() && batchAnonymous.asText().length() <= 128
                ? batchAnonymous.asText() : null;
        List<UsageEvent> valid = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        int repeatsInBatch = 0;
        for (int i = 0; i < events.size(); i++) {
            EventValidator.Outcome outcome = validator.validate(events.get(i), userId != null, defaultAnonymousId);
            if (outcome.rejection() != null) {
                rejected.add(new Rejected(i, outcome.rejection()));
            } else if (!seen.add(outcome.event().eventId() + "|" + outcome.event().anonymousId())) {
                repeatsInBatch++;
            } else {
                valid.add(outcome.event());
            }
        }
        EventStore.Actor actor = new EventStore.Actor(userId, null, admin);
        try {
            int inserted = store.insert(actor, valid);
            return new Receipt(inserted, valid.size() - inserted + repeatsInBatch, rejected, false);
        } catch (SQLException unavailable) {
            LOG.warnf("usage events parked, PostgreSQL unavailable: %s", unavailable.getMessage());
            try {
                parking.park(actor, valid);
                RequestRecords.current().degraded("events-parked");
            } catch (RuntimeException parkingFailed) {
                unavailable.addSuppressed(parkingFailed);
                throw unavailable;
            }
            return new Receipt(valid.size(), repeatsInBatch, rejected, true);
        }
    }
}
