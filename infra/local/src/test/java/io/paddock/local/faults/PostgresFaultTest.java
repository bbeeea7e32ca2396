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
 * PostgreSQL stopped and started under a steady load. The contract and README promise: telemetry is
 * still 202 (the batch parked in DynamoDB, later stored exactly once by the replay); what needs
 * PostgreSQL — posts, login, refresh, feed misses — answers 503 with Retry-After, never 500; feed first
 * pages may still come from the Redis cache; health says degraded. Nothing accepted is lost.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class PostgresFaultTest extends StoreOutageContract {

    @Override
    SteadyLoad.Fault fault(EmbeddedStores stores) {
        return new SteadyLoad.Fault("postgres-down", Store.POSTGRES, stores::stopPostgres, stores::startPostgres);
    }

    @Test
    void telemetryIsStill202WhilePostgresIsDownParkedForLater() {
        List<Sample> down = run.of(Kind.TELEMETRY, Phase.DOWN);
        assertFalse(down.isEmpty());
        assertEquals(List.of(), run.of(Kind.TELEMETRY).stream().filter(s -> s.status() != 202).toList(),
                "telemetry never breaks the client's app");
        assertEquals(List.of(), down.stream().filter(s -> !s.note().contains("\"parked\":true") || !s.degraded()).toList(),
                "parked while PostgreSQL is down");
        assertTrue(replay.batches() > 0, "the replay stored the parked batches: " + replay);
    }

    @Test
    void postsLoginAndRefreshAre503WithRetryAfterWhilePostgresIsDown() {
        for (Kind kind : List.of(Kind.POST, Kind.LOGIN, Kind.REFRESH)) {
            List<Sample> down = run.of(kind, Phase.DOWN);
            assertFalse(down.isEmpty(), kind.label);
            assertEquals(List.of(), down.stream().filter(s -> s.status() != 503).toList(), kind.label);
            assertEquals(List.of(), run.of(kind).stream().filter(s -> !s.succeeded() && s.status() != 503).toList(),
                    kind.label + ": success or 503, nothing else");
        }
    }

    @Test
    void feedReadsAreServedFromTheCacheOr503WhilePostgresIsDown() {
        for (Kind feed : List.of(Kind.FEED_HOME, Kind.FEED_PROFILE)) {
            assertFalse(run.of(feed, Phase.DOWN).isEmpty());
            assertEquals(List.of(), run.of(feed).stream().filter(s -> s.status() != 200 && s.status() != 503).toList(),
                    feed.label);
        }
    }
}
