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
 * DynamoDB Local stopped and started under a steady load. The contract and README promise: a mutation
 * with Idempotency-Key fails closed (503 with Retry-After, no work done); without a key, and for feed
 * reads and telemetry, nothing changes; login and refresh (refresh-token families live in DynamoDB)
 * answer 503; health says degraded. DynamoDB Local is in memory: its tables come back empty, so refresh
 * tokens issued before the outage are unknown afterwards (401) — an artefact of the embedded store,
 * not of DynamoDB — and the clients log in again.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class DynamoDbFaultTest extends StoreOutageContract {

    @Override
    SteadyLoad.Fault fault(EmbeddedStores stores) {
        return new SteadyLoad.Fault("dynamodb-down", Store.DYNAMODB, stores::stopDynamo, stores::startDynamo);
    }

    @Override
    List<Kind> kinds() {
        return List.of(Kind.HEALTH, Kind.FEED_HOME, Kind.FEED_PROFILE, Kind.POST, Kind.POST_UNKEYED, Kind.TELEMETRY, Kind.LOGIN, Kind.REFRESH);
    }

    /** DynamoDB Local forgets its tables' contents at a restart: refresh tokens from before are unknown (401). */
    @Override
    boolean acceptableOnceSettled(Sample s) {
        return s.kind() == Kind.REFRESH && s.status() == 401;
    }

    @Test
    void aPostWithIdempotencyKeyFailsClosedWith503WhileDynamoDbIsDown() {
        List<Sample> down = run.of(Kind.POST, Phase.DOWN);
        assertFalse(down.isEmpty());
        assertEquals(List.of(), down.stream().filter(s -> s.status() != 503).toList());
        assertEquals(List.of(), run.of(Kind.POST).stream().filter(s -> !s.succeeded() && s.status() != 503).toList());
    }

    @Test
    void unkeyedPostsFeedReadsAndTelemetryGoOnWhileDynamoDbIsDown() {
        for (Kind kind : List.of(Kind.POST_UNKEYED, Kind.FEED_HOME, Kind.FEED_PROFILE, Kind.TELEMETRY)) {
            assertFalse(run.of(kind, Phase.DOWN).isEmpty(), kind.label);
            assertEquals(List.of(), run.of(kind).stream().filter(s -> !s.succeeded()).toList(), kind.label);
        }
        assertTrue(run.of(Kind.TELEMETRY).stream().noneMatch(s -> s.note().contains("\"parked\":true")),
                "PostgreSQL is up: nothing is parked");
    }

    @Test
    void loginAndRefreshAre503WhileDynamoDbIsDown() {
        for (Kind kind : List.of(Kind.LOGIN, Kind.REFRESH)) {
            List<Sample> down = run.of(kind, Phase.DOWN);
            assertFalse(down.isEmpty(), kind.label);
            assertEquals(List.of(), down.stream().filter(s -> s.status() != 503).toList(), kind.label);
        }
        assertEquals(List.of(), run.of(Kind.LOGIN).stream().filter(s -> !s.succeeded() && s.status() != 503).toList());
        // 401 only for tokens of families that the in-memory store forgot at its restart.
        assertEquals(List.of(), run.of(Kind.REFRESH).stream().filter(s -> !s.succeeded() && s.status() != 503
                && !(s.status() == 401 && s.sentIn().compareTo(Phase.STARTING) >= 0)).toList());
    }
}
