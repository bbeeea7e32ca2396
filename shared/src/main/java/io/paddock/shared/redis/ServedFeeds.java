package io.paddock.shared.redis;

import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Which feed responses were served to whom, so that telemetry can tell an impression of an item its
 * sender was shown from one that names any request id at all. The feed function {@link #record}s every
 * feed response it serves; telemetry {@link #servedTo checks} the {@code feedRequestId} of impressions
 * against these records when it receives them.
 *
 * <p>One key per response and viewer: {@code feed:served:{<requestId>}:<viewer>}, the viewer being the
 * signed-in user's id for a personal feed and {@code public} for a shared-cacheable one (CloudFront hands
 * that very response, its X-Request-Id included, to anyone). Request ids are not secret — the server
 * echoes any sane id the client sends — so a record says "a response with this id was served to this
 * viewer", and two viewers who pick the same id get two keys instead of overwriting one. The hash tag puts
 * the viewer's key and the public key of one request id in the same cluster slot: a check is one MGET per
 * distinct request id, all sent at once (one round trip), and never a cross-slot command.
 *
 * <p>Hazards. Recording is fire-and-forget: the feed answer never waits for it, so a record can be lost
 * (Redis down, breaker open, a Lambda container frozen before the command left) and the impressions of
 * that response then count as not served. A failed record moves no breaker: it may fail after the answer
 * left, or its timer fire late after a Lambda freeze, and that must not send the next feed reads to
 * PostgreSQL. A check that gets no answer (breaker open, error, timeout) is "unknown", never "not served".
 * A record lives for the feed's TTL: an impression reported later than that counts as not served. Cost:
 * one SET per feed response; ~100 bytes of Redis memory per response for the TTL.
 */
@Singleton
public class ServedFeeds {

    /** The viewer of a shared-cacheable response: anyone, signed in or not. */
    public static final String PUBLIC = "public";

    private static final Logger LOG = Logger.getLogger(ServedFeeds.class);

    private final ReactiveRedisDataSource redis;
    private final StoreBreaker breaker;

    @Inject
    ServedFeeds(ReactiveRedisDataSource redis, StoreBreakers breakers) {
        this(redis, breakers.redis());
    }

    public ServedFeeds(ReactiveRedisDataSource redis, StoreBreaker breaker) {
        this.redis = redis;
        this.breaker = breaker;
    }

    /** @param viewer the user a personal response was served to; null for a public (shared-cacheable) one */
    public static String key(String requestId, UUID viewer) {
        return "feed:served:{" + requestId + "}:" + (viewer == null ? PUBLIC : viewer.toString());
    }

    /**
     * Remembers for {@code ttl} that the response {@code requestId} was served to {@code viewer} (null:
     * public). Returns at once; the command ends by itself within {@code timeout}.
     */
    public void record(String requestId, UUID viewer, Duration ttl, Duration timeout) {
        // Not allowsRequest(): that claims a half-open breaker's one trial, and a record reports no outcome.
        if (requestId == null || breaker.state() == StoreBreaker.State.open) {
            return;
        }
        String key = key(requestId, viewer);
        redis.execute("SET", key, "1", "EX", Long.toString(Math.max(1, ttl.toSeconds())))
                .ifNoItem().after(timeout).fail()
                .subscribe().with(stored -> { }, failed -> LOG.debugf("served feed %s not recorded: %s", key, failed));
    }

    /**
     * Of {@code requestIds}, those naming a response served to {@code sender} (null: an anonymous sender,
     * who matches public responses only) or to the public; empty when Redis gave no answer within
     * {@code timeout} — unknown, not "none".
     */
    public Optional<Set<String>> servedTo(UUID sender, Collection<String> requestIds, Duration timeout) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(requestIds));
        if (ids.isEmpty()) {
            return Optional.of(Set.of());
        }
        try {
            List<Response> answers = breaker.call("served feeds check", () -> {
                List<Uni<Response>> lookups = new ArrayList<>();
                for (String id : ids) {
                    lookups.add(sender == null ? redis.execute("MGET", key(id, null))
                            : redis.execute("MGET", key(id, sender), key(id, null)));
                }
                return Uni.join().all(lookups).andFailFast().await().atMost(timeout);
            });
            Set<String> served = new HashSet<>();
            for (int i = 0; i < ids.size(); i++) {
                Response values = answers.get(i);
                for (int v = 0; v < values.size(); v++) {
                    if (values.get(v) != null) {
                        served.add(ids.get(i));
                    }
                }
            }
            return Optional.of(served);
        } catch (RuntimeException unanswered) {
            return Optional.empty();
        }
    }
}
