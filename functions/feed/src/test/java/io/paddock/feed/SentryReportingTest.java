package io.paddock.feed;

import static io.paddock.feed.FeedFixture.client;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.observability.ErrorReports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** An unhandled failure reaches Sentry (here a stand-in for its ingest) with its context and without secrets. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
@TestProfile(SentryReportingTest.WithSentry.class)
class SentryReportingTest {

    public static class WithSentry implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SentryStandIn.class));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ErrorReports errorReports;

    @ConfigProperty(name = "quarkus.application.version")
    String version;

    @Test
    void anUnhandledFailureIsReportedWithItsContextAndWithoutCredentialsCookiesOrEmailAddresses() throws Exception {
        assertTrue(errorReports.enabled());
        String requestId = "req-" + UUID.randomUUID();
        String token = "opaque-" + UUID.randomUUID();
        String cookie = "cookie-" + UUID.randomUUID();

        client().header("X-Request-Id", requestId)
                .header("Authorization", "Bearer " + token)
                .cookie("session", cookie)
                .get("/v1/test-only/failure")
                .then().statusCode(500).contentType("application/problem+json")
                .body("requestId", equalTo(requestId))
                .body(not(containsString(FailingTestResource.EMAIL)))
                .body(not(containsString("could not be loaded")));

        String envelope = await().atMost(Duration.ofSeconds(10))
                .until(() -> SentryStandIn.envelopes().stream().filter(e -> e.contains(requestId)).findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        assertFalse(envelope.contains(FailingTestResource.EMAIL), envelope);
        assertFalse(envelope.contains(token), envelope);
        assertFalse(envelope.contains(cookie), envelope);

        JsonNode event = event(envelope);
        JsonNode exception = event.at("/exception/values/0");
        assertEquals("IllegalStateException", exception.path("type").asText());
        assertEquals("java.lang", exception.path("module").asText());
        assertEquals("profile of [Filtered] could not be loaded", exception.path("value").asText());
        assertEquals(version, event.path("release").asText());
        assertEquals("test", event.path("environment").asText());
        assertEquals(requestId, event.at("/tags/request_id").asText());
        assertEquals("/v1/test-only/failure", event.at("/tags/route").asText());
        assertEquals(JSON.createObjectNode().put("id", FailingTestResource.USER_ID), event.path("user"));
        List<String> breadcrumbs = new ArrayList<>();
        event.path("breadcrumbs").forEach(b -> breadcrumbs.add(b.path("category").asText() + ": " + b.path("message").asText()
                + " (" + b.path("level").asText() + ")"));
        assertEquals(List.of("store.postgres: postgres select (info)", "store.redis: redis get (error)"), breadcrumbs);
        assertEquals("[Filtered]", event.at("/request/headers/Authorization").asText());
        assertEquals("[Filtered]", event.at("/request/headers/Cookie").asText());
        assertEquals("[Filtered]", event.at("/request/headers/X-Forwarded-For").asText());
    }

    /** An envelope is a header line, then per item a header line and its payload; the event is the one we want. */
    private static JsonNode event(String envelope) throws Exception {
        String[] lines = envelope.split("\n");
        for (int i = 1; i + 1 < lines.length; i++) {
            if ("event".equals(JSON.readTree(lines[i]).path("type").asText())) {
                return JSON.readTree(lines[i + 1]);
            }
        }
        throw new AssertionError("no event item in " + envelope);
    }
}
