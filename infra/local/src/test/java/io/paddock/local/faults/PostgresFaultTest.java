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
 * PostgreSQL stopped and started under a steady load. The contract and README promise: telemetry is
 * still 202 (the batch parked in DynamoDB, later stored exactly once by the replay); what needs
 * PostgreSQL — posts, login, refresh, feed misses — answers 503 with Retry-After, never 500; feed first
 * pages may still come from the Redis cache; health says degraded. Nothing accepted is lost.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresFaultTest {

    @Inject
    AccessTokens tokens;

    @Inject
    Database database;

    @Inject
    ParkedBatches parked;

    @TestHTTPResource("/")
    URL base;

    SteadyLoad.Result run;
    ParkedBatches.Replay replay;

    @BeforeAll
    void postgresStopsAndStartsUnderSteadyLoad() throws Exception {
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        SteadyLoad load = new SteadyLoad(base.toURI(), database, tokens, 4, List.of(Kind.HEALTH, Kind.FEED_HOME,
                Kind.FEED_PROFILE, Kind.POST, Kind.TELEMETRY, Kind.LOGIN, Kind.REFRESH));
        run = load.run(new SteadyLoad.Fault("postgres-down", Store.POSTGRES, stores::stopPostgres, stores::startPostgres));
        System.out.println(run.summary());
        System.out.print(run.perKind());
        if (Boolean.getBoolean("faults.timeline")) {
            System.out.print(run.timeline());
        }
        // What the 5-minute schedule of TelemetryMaintenanceFunction does ({"task": "replay"}).
        replay = SteadyLoad.replayParkedBatches(parked);
        System.out.println("fault=" + run.fault().name() + " replay=" + replay);
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

    @Test
    void healthAnswers503NamingPostgresWhileItIsDown() {
        List<Sample> down = run.of(Kind.HEALTH, Phase.DOWN);
        assertFalse(down.isEmpty());
        assertEquals(List.of(), down.stream()
                .filter(s -> s.status() != 503 || !s.note().equals("checks postgres=down,redis=up,dynamodb=up")).toList());
        assertEquals(List.of(), run.of(Kind.HEALTH, Phase.HEALTHY).stream().filter(s -> s.status() != 200).toList());
    }

    @Test
    void everyRequestKindSucceedsAgainWithin5sOfTheRestart() {
        assertNotNull(run.recovery(), run.summary());
        assertTrue(run.recovery().compareTo(SteadyLoad.RECOVERY_LIMIT) <= 0, run.summary());
        assertEquals(List.of(), run.failuresOnceSettled());
    }

    @Test
    void noAcceptedPostIsLostAndNoneIsStoredTwice() throws Exception {
        assertEquals(List.of(), run.postsNeverAccepted(), "every logical post was accepted in the end");
        assertFalse(run.acceptedPosts().isEmpty());
        assertEquals(Map.of(), run.postRowsNotExactlyOnce(database));
    }

    @Test
    void everyAcceptedEventIsStoredExactlyOnceAfterTheReplay() throws Exception {
        assertEquals(0, run.eventsNeverAccepted(), "every batch was accepted in the end");
        assertFalse(run.acceptedEvents().isEmpty());
        assertEquals(List.of(), run.telemetryReceiptsNotAccountingForTheBatch());
        assertEquals(Map.of(), run.eventRowsNotExactlyOnce());
    }
}
