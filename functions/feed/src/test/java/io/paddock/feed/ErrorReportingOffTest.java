package io.paddock.feed;

import static io.paddock.feed.FeedFixture.client;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.observability.ErrorReports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sentry.Sentry;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Without paddock.sentry.dsn (every other test's configuration) error reporting costs nothing. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ErrorReportingOffTest {

    @Inject
    ErrorReports errorReports;

    @Test
    void withoutADsnSentryIsNeverInitialisedAndFailuresAreStillProblems() {
        assertFalse(errorReports.enabled());
        assertFalse(Sentry.isEnabled());
        client().get("/v1/test-only/failure").then().statusCode(500).contentType("application/problem+json")
                .body(not(containsString(FailingTestResource.EMAIL)));
        assertFalse(Sentry.isEnabled());
    }
}
