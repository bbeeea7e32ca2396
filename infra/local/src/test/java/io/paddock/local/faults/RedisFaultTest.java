package io.paddock.local.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.local.faults.SteadyLoad.Kind;
import io.paddock.local.faults.SteadyLoad.Phase;
import io.paddock.local.faults.SteadyLoad.Sample;
import io.paddock.local.faults.SteadyLoad.Store;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped and started under a steady load. The contract and README promise: feeds are read from
 * PostgreSQL, the limiter falls back to PostgreSQL (L2, with its headers), writes and telemetry go on;
 * login fails closed (its per-account back-off lives in Redis) with 503 and Retry-After; health says
 * degraded. Everything answers normally again within 5 s of the restart.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class RedisFaultTest extends StoreOutageContract {

    @Override
    SteadyLoad.Fault fault(EmbeddedStores stores) {
        return new SteadyLoad.Fault("redis-down", Store.REDIS, stores::stopRedis, stores::startRedis);
    }

    @Test
    void feedStaysUpFromPostgresWhileRedisIsDown() {
        for (Kind feed : List.of(Kind.FEED_HOME, Kind.FEED_PROFILE)) {
            assertFalse(run.of(feed, Phase.DOWN).isEmpty(), "feed reads were sent during the outage");
            assertEquals(List.of(), run.of(feed).stream().filter(s -> s.status() != 200).toList(),
                    feed.label + ": every read 200, from PostgreSQL while Redis is down");
        }
    }

    @Test
    void rateLimitingFallsBackToPostgresWhileRedisIsDown() {
        List<Sample> limited = run.samples().stream()
                .filter(s -> s.kind().rateLimited && s.within(Phase.DOWN)).toList();
        assertFalse(limited.isEmpty());
        assertEquals(List.of(), limited.stream().filter(s -> !s.rateLimitHeaders()).toList(),
                "the limiter answered from PostgreSQL (L2): its headers on every answer, the login's 503 included");
        assertEquals(List.of(), limited.stream().filter(s -> s.status() >= 500 && s.kind() != Kind.LOGIN).toList(),
                "no 5xx from the limiter");
    }

    @Test
    void postsAndTelemetryAreAcceptedWhileRedisIsDown() {
        for (Kind kind : List.of(Kind.POST, Kind.TELEMETRY)) {
            assertFalse(run.of(kind, Phase.DOWN).isEmpty());
            assertEquals(List.of(), run.of(kind).stream().filter(s -> !s.succeeded()).toList(), kind.label);
        }
        assertTrue(run.of(Kind.TELEMETRY).stream().noneMatch(s -> s.note().contains("\"parked\":true")),
                "PostgreSQL is up: nothing is parked");
    }

    @Test
    void refreshNeedsNoRedis() {
        assertFalse(run.of(Kind.REFRESH, Phase.DOWN).isEmpty());
        assertEquals(List.of(), run.of(Kind.REFRESH).stream().filter(s -> s.status() != 200).toList());
    }

    @Test
    void loginFailsClosedWith503AndRetryAfterWhileRedisIsDown() {
        List<Sample> down = run.of(Kind.LOGIN, Phase.DOWN);
        assertFalse(down.isEmpty());
        assertEquals(List.of(), down.stream().filter(s -> s.status() != 503).toList(),
                "no login without the back-off store: exactly 503");
        assertEquals(List.of(), run.of(Kind.LOGIN).stream().filter(s -> s.status() != 200 && s.status() != 503).toList());
    }
}
