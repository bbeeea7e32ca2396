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
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every store outage must keep, whichever store it is: no 500 and no hang, a Retry-After on every
 * 503, the contract's headers on every answer, health naming the store that is down, every request
 * kind back within 5 s of the restart, and every accepted post and event stored exactly once. Each
 * store's class adds what its outage degrades and what it refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreOutageContract {

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

    /** The outage: its name, the store, how to stop and start it. */
    abstract SteadyLoad.Fault fault(EmbeddedStores stores);

    /** The request kinds of the load. */
    List<Kind> kinds() {
        return List.of(Kind.HEALTH, Kind.FEED_HOME, Kind.FEED_PROFILE, Kind.POST, Kind.TELEMETRY, Kind.LOGIN, Kind.REFRESH);
    }

    /** Answers that are fine once the store is back, though not a success (e.g. a refresh token DynamoDB Local forgot). */
    boolean acceptableOnceSettled(Sample sample) {
        return false;
    }

    @BeforeAll
    void storeStopsAndStartsUnderSteadyLoad() throws Exception {
        SteadyLoad load = new SteadyLoad(base.toURI(), database, tokens, 4, kinds());
        run = load.run(fault(PaddockStoresTestResource.stores()));
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
    void healthAnswers503NamingTheStoreThatIsDown() {
        Store down = run.fault().store();
        String expected = "checks " + Stream.of(Store.values())
                .map(s -> s.check + "=" + (s == down ? "down" : "up")).collect(Collectors.joining(","));
        List<Sample> during = run.of(Kind.HEALTH, Phase.DOWN);
        assertFalse(during.isEmpty());
        assertEquals(List.of(), during.stream().filter(s -> s.status() != 503 || !s.note().equals(expected)).toList());
        assertEquals(List.of(), run.of(Kind.HEALTH, Phase.HEALTHY).stream().filter(s -> s.status() != 200).toList());
    }

    @Test
    void everyRequestKindSucceedsAgainWithin5sOfTheRestart() {
        assertNotNull(run.recovery(), run.summary());
        assertTrue(run.recovery().compareTo(SteadyLoad.RECOVERY_LIMIT) <= 0, run.summary());
        assertEquals(List.of(), run.failuresOnceSettled().stream().filter(s -> !acceptableOnceSettled(s)).toList());
    }

    @Test
    void noAcceptedPostIsLostAndNoneIsStoredTwice() throws Exception {
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
