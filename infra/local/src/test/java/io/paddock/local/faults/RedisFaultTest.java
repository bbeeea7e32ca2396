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
 * Redis stopped and started under a steady load. The contract and README promise: feeds are read from
 * PostgreSQL, the limiter falls back to PostgreSQL (L2, with its headers), writes and telemetry go on;
 * login fails closed (its per-account back-off lives in Redis) with 503 and Retry-After; health says
 * degraded. Everything answers normally again within 5 s of the restart.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisFaultTest {

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
    void redisStopsAndStartsUnderSteadyLoad() throws Exception {
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        SteadyLoad load = new SteadyLoad(base.toURI(), database, tokens, 4, List.of(Kind.HEALTH, Kind.FEED_HOME,
                Kind.FEED_PROFILE, Kind.POST, Kind.TELEMETRY, Kind.LOGIN, Kind.REFRESH));
        run = load.run(new SteadyLoad.Fault("redis-down", Store.REDIS, stores::stopRedis, stores::startRedis));
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

    @Test
    void healthAnswers503NamingRedisWhileItIsDown() {
        List<Sample> down = run.of(Kind.HEALTH, Phase.DOWN);
        assertFalse(down.isEmpty());
        assertEquals(List.of(), down.stream()
                .filter(s -> s.status() != 503 || !s.note().equals("checks postgres=up,redis=down,dynamodb=up")).toList());
        assertEquals(List.of(), run.of(Kind.HEALTH, Phase.HEALTHY).stream().filter(s -> s.status() != 200).toList());
    }

    @Test
    void everyRequestKindSucceedsAgainWithin5sOfTheRestart() {
        assertNotNull(run.recovery(), run.summary());
        assertTrue(run.recovery().compareTo(SteadyLoad.RECOVERY_LIMIT) <= 0, run.summary());
        assertEquals(List.of(), run.failuresOnceSettled());
    }

    @Test
    void everyAcceptedPostExistsExactlyOnce() throws Exception {
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
