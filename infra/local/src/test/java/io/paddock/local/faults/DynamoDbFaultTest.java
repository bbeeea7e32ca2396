package io.paddock.local.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.local.faults.SteadyLoad.Kind;
import io.paddock.local.faults.SteadyLoad.Phase;
import io.paddock.local.faults.SteadyLoad.Sample;
import io.paddock.local.faults.SteadyLoad.Store;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.telemetry.ParkedBatches;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbFaultTest {

    @Inject
    AccessTokens tokens;

    @Inject
    Database database;

    @Inject
    ParkedBatches parked;

    @TestHTTPResource("/")
    URL base;

    SteadyLoad.Result run;

    @BeforeAll
    void dynamoDbStopsAndStartsUnderSteadyLoad() throws Exception {
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        SteadyLoad load = new SteadyLoad(base.toURI(), database, tokens, 4, List.of(Kind.HEALTH, Kind.FEED_HOME,
                Kind.FEED_PROFILE, Kind.POST, Kind.POST_UNKEYED, Kind.TELEMETRY, Kind.LOGIN, Kind.REFRESH));
        run = load.run(new SteadyLoad.Fault("dynamodb-down", Store.DYNAMODB, stores::stopDynamo, stores::startDynamo));
        System.out.println(run.summary());
        System.out.print(run.perKind());
        if (Boolean.getBoolean("faults.timeline")) {
            System.out.print(run.timeline());
        }
        SteadyLoad.replayParkedBatches(parked);
    }

    @Test
    void noAnswerIsA500OrAHangAndEvery503SaysWhenToRetry() {
        assertEquals(List.of(), run.serverErrorsOtherThan503OrHangs());
        assertEquals(List.of(), run.bare503s());
    }

    @Test
    void everyAnswerKeepsTheContractsRequestIdAndRateLimitHeaders() {
        assertEquals(List.of(), run.answersWithoutContractHeaders());
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

    @Test
    void healthAnswers503NamingDynamoDbWhileItIsDown() {
        List<Sample> down = run.of(Kind.HEALTH, Phase.DOWN);
        assertFalse(down.isEmpty());
        assertEquals(List.of(), down.stream()
                .filter(s -> s.status() != 503 || !s.note().equals("checks postgres=up,redis=up,dynamodb=down")).toList());
        assertEquals(List.of(), run.of(Kind.HEALTH, Phase.HEALTHY).stream().filter(s -> s.status() != 200).toList());
    }

    @Test
    void everyRequestKindSucceedsAgainWithin5sOfTheRestart() {
        assertNotNull(run.recovery(), run.summary());
        assertTrue(run.recovery().compareTo(SteadyLoad.RECOVERY_LIMIT) <= 0, run.summary());
        assertEquals(List.of(), run.failuresOnceSettled().stream().filter(s -> s.status() != 401 || s.kind() != Kind.REFRESH).toList());
    }

    @Test
    void everyAcceptedPostExistsExactlyOnceAndNoRefusedKeyedPostRan() throws Exception {
        assertEquals(List.of(), run.postsNeverAccepted(), "every logical post was accepted in the end");
        assertFalse(run.acceptedPosts().isEmpty());
        assertEquals(Map.of(), run.postRowsNotExactlyOnce(database));
    }

    @Test
    void everyAcceptedEventIsStoredExactlyOnce() throws Exception {
        assertEquals(0, run.eventsNeverAccepted(), "every batch was accepted in the end");
        assertFalse(run.acceptedEvents().isEmpty());
        assertEquals(List.of(), run.telemetryReceiptsNotAccountingForTheBatch());
        assertEquals(Map.of(), run.eventRowsNotExactlyOnce());
    }
}
