package io.paddock.feed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.snapshot.Priming;
import io.paddock.shared.testing.PrimingContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The feed function's SnapStart priming ({@link FeedPriming}) through its Lambda handler, on the embedded stores. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class FeedPrimingTest extends PrimingContract {

    @Test
    void whereThereArePostsPrimingRendersAPublicFeedWithItems() {
        FeedFixture fixture = new FeedFixture(database, accessTokens);
        fixture.post(fixture.user(), Instant.now());

        Priming.Report report = hooks.prime().orElseThrow();
        assertTrue(report.outcomes().stream().anyMatch(o -> o.request().path().startsWith("/v1/feed/users/")
                && o.status() == 200 && o.asExpected()), report.toString());
        assertTrue(report.allAsExpected(), report.toString());
    }
}
