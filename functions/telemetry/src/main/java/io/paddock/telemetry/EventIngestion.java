package io.paddock.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.paddock.shared.db.Database;
import io.paddock.shared.http.Problem;
import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.redis.ServedFeeds;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A batch in, counters out: each event judged alone, the valid ones stored in one statement. */
@ApplicationScoped
public class EventIngestion {

    public static final int MAX_EVENTS = 100;

    /** Phone clocks drift: occurredAt may lie this far ahead of the server's clock. */
    public static final Duration MAX_AHEAD = Duration.ofHours(24);
    /** Events arrive late (offline devices) by up to this much; older ones are rejected. */
    public static final Duration MAX_LATE = Duration.ofDays(7);

    public record Rejected(int index, String reason) {
    }

    /**
     * {@code parked}: PostgreSQL was unavailable and the valid events were kept durably to be stored
     * later; they count as accepted, and duplicates among them are only found when they are stored.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Receipt(int accepted, int duplicates, List<Rejected> rejected, boolean parked) {
    }

    /** The batch as a whole is unusable (not its events): a 4xx for the client, naming the fields, as every route does. */
    public static final class BadBatch extends RuntimeException {
        public final int status;
        public final List<Problem.FieldError> errors;

        BadBatch(int status, String message, String field, String fieldMessage) {
            this(status, message, List.of(new Problem.FieldError(field, fieldMessage)));
        }

        BadBatch(int status, String message, List<Problem.FieldError> errors) {
            super(message, null, false, false);
            this.status = status;
            this.errors = List.copyOf(errors);
        }
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EventIngestion.class);

    private final EventStore store;
    private final ParkedBatches parking;
    private final EventValidator validator;
    private final ServedFeeds servedFeeds;
    private final Duration redisTimeout;

    @jakarta.inject.Inject
    public EventIngestion(EventStore store, ParkedBatches parking, ServedFeeds servedFeeds, TelemetrySettings settings) {
        this(store, parking, new EventValidator(MetaSanitizer.withDefaults(), Clock.systemUTC(), MAX_AHEAD, MAX_LATE),
                servedFeeds, settings.redisTimeout());
    }

    public EventIngestion(EventStore store, ParkedBatches parking, EventValidator validator, ServedFeeds servedFeeds,
            Duration redisTimeout) {
        this.store = store;
        this.parking = parking;
        this.validator = validator;
        this.servedFeeds = servedFeeds;
        this.redisTimeout = redisTimeout;
    }

    /**
     * Stores the valid events; if PostgreSQL is unreachable (connection failure, breaker open), parks them
     * (202 parked) — the client's app never breaks over telemetry. Only an outage parks: a batch PostgreSQL
     * answered and refused is never kept. Throws SQLException when the parking store
     * fails too, or when PostgreSQL refused the work for a reason other than the batch's content.
     */
    public Receipt ingest(UUID userId, boolean admin, JsonNode body) throws SQLException {
        if (body == null || !body.isObject()) {
            throw new BadBatch(400, "The body must be {\"events\": [ ... ]}", "body", "must be an object: {\"events\": [ ... ]}");
        }
        if (!body.path("events").isArray()) {
            throw new BadBatch(400, "The body must be {\"events\": [ ... ]}", "events", "is required: an array of events");
        }
        JsonNode events = body.get("events");
        if (events.isEmpty()) {
            throw new BadBatch(400, "events is empty", "events", "must hold at least one event");
        }
        if (events.size() > MAX_EVENTS) {
            throw new BadBatch(413, "At most " + MAX_EVENTS + " events per batch; got " + events.size(), "events",
                    "must hold at most " + MAX_EVENTS + " events");
        }
        List<Problem.FieldError> refusals = EventValidator.batchRefusals(body);
        if (!refusals.isEmpty()) {
            throw new BadBatch(400, "The batch holds text, instants or an anonymousId that cannot be stored", refusals);
        }
        // Judged by batchRefusals when it counts (no bearer token); with one it is not used.
        JsonNode batchAnonymous = body.get("anonymousId");
        String defaultAnonymousId = userId == null && batchAnonymous != null && batchAnonymous.isTextual()
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
        valid = withServed(userId, valid);
        EventStore.Actor actor = new EventStore.Actor(userId, null, admin);
        try {
            int inserted = store.insert(actor, valid);
            return new Receipt(inserted, valid.size() - inserted + repeatsInBatch, rejected, false);
        } catch (SQLException failed) {
            // Only an outage parks. A batch PostgreSQL answered and refused would fail the replay the same
            // way, where it once stopped every batch behind it.
            if (EventStore.refusedForContent(failed)) {
                // What validation should have caught: the client drops the batch.
                LOG.errorf("usage events refused by PostgreSQL for their content (SQLState %s), not parked: %s",
                        failed.getSQLState(), failed.getMessage());
                throw new BadBatch(400, "The batch holds a value the event store cannot keep", "events",
                        "holds a value the event store cannot keep");
            }
            if (!Database.unavailable(failed)) {
                // A deadlock, a privilege gone: the route's 503, the client keeps the batch and retries.
                LOG.errorf("usage events not stored, PostgreSQL refused the work (SQLState %s), not parked: %s",
                        failed.getSQLState(), failed.getMessage());
                throw failed;
            }
            LOG.warnf("usage events parked, PostgreSQL unavailable: %s", failed.getMessage());
            try {
                parking.park(actor, valid);
                RequestRecords.current().degraded("events-parked");
            } catch (RuntimeException parkingFailed) {
                failed.addSuppressed(parkingFailed);
                throw failed;
            }
            return new Receipt(valid.size(), repeatsInBatch, rejected, true);
        }
    }

    /**
     * Impressions learn whether the feed response their feedRequestId names was served to this sender
     * (a signed-in sender: to them or to the public; an anonymous one: to the public), in one Redis round
     * trip. An impression naming no response was not served; when Redis does not answer, served stays
     * unknown (null) and the batch goes on — telemetry never fails over this check. Decided here, before
     * storing or parking, because the records expire: a replay hours later could no longer tell.
     */
    List<UsageEvent> withServed(UUID userId, List<UsageEvent> events) {
        Set<String> named = new LinkedHashSet<>();
        for (UsageEvent e : events) {
            if (UsageEvent.IMPRESSION.equals(e.type()) && e.feedRequestId() != null) {
                named.add(e.feedRequestId());
            }
        }
        Optional<Set<String>> served = servedFeeds.servedTo(userId, named, redisTimeout);
        if (served.isEmpty()) {
            RequestRecords.current().degraded("impressions-unchecked");
        }
        List<UsageEvent> checked = new ArrayList<>(events.size());
        for (UsageEvent e : events) {
            if (!UsageEvent.IMPRESSION.equals(e.type())) {
                checked.add(e);
            } else if (e.feedRequestId() == null) {
                checked.add(e.withServed(false));
            } else {
                checked.add(e.withServed(served.map(ids -> ids.contains(e.feedRequestId())).orElse(null)));
            }
        }
        return checked;
    }
}
