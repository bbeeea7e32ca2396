package io.paddock.feed;

import static io.paddock.feed.FeedFixture.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.auth.ApiKeyScope;
import io.paddock.shared.auth.IssuedApiKeys;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestApiKeys;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.awaitility.Awaitility;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.Test;

/**
 * What operators see of a request, read the way CloudWatch reads it: the JSON log line (Powertools'
 * field names, top level) and the EMF metric object, both produced by real feed requests.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class RequestObservabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    @Inject
    IssuedApiKeys issued;

    @Test
    void aFeedReadIsOneEmfObjectPerRequestWithCacheMissThenHit() throws Exception {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser viewer = f.user();
        f.follow(viewer, f.user());
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            as(viewer).get("/v1/feed/home").then().statusCode(200);
            awaitEmf(captured, 1);
            as(viewer).get("/v1/feed/home").then().statusCode(200);
            awaitEmf(captured, 2);
        } finally {
            System.setOut(original);
        }
        List<JsonNode> requests = emfRequests(captured);
        JsonNode first = requests.get(0);
        JsonNode second = requests.get(1);
        assertEquals("Paddock", first.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
        assertEquals("[[\"Service\",\"Route\"],[\"Service\"]]", first.at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
        assertEquals("feed", first.get("Service").asText());
        assertEquals("GET:/v1/feed/home", first.get("Route").asText());
        assertEquals(1, first.get("CacheMiss").asDouble(), "the first read fills the cache");
        assertEquals(1, second.get("CacheHit").asDouble(), "the second is served from it");
        assertEquals(0, second.get("CacheMiss").asDouble());
        assertEquals(0, second.get("5xx").asDouble());
        assertTrue(first.get("Latency").asDouble() >= 0);
    }

    @Test
    void theRequestLogLineCarriesPowertoolsFieldsAtTopLevelAndNeverTheToken() throws Exception {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        List<String> lines = linesLoggedUntil("obs-test-0001", "io.paddock.access", () ->
                as(author).header("X-Request-Id", "obs-test-0001").contentType("application/json")
                        .body("{\"body\":\"observed at " + Instant.now() + "\"}")
                        .post("/v1/posts").then().statusCode(201));
        String raw = lines.stream().filter(l -> l.contains("obs-test-0001")).findFirst().orElseThrow();
        JsonNode line = JSON.readTree(raw);
        assertEquals("INFO", line.get("level").asText());
        assertEquals("obs-test-0001", line.get("correlation_id").asText());
        assertEquals("feed", line.get("service").asText());
        assertEquals("POST", line.get("http_method").asText());
        assertEquals("/v1/posts", line.get("route").asText());
        assertEquals(201, line.get("status").asInt(), "a number, as Logs Insights compares it");
        assertTrue(line.get("latency_ms").isNumber());
        assertTrue(line.get("cold_start").isBoolean());
        assertEquals(author.id().toString(), line.get("user_id").asText());
        assertTrue(line.hasNonNull("function_request_id"), "the Lambda request id of the invocation: " + raw);
        assertFalse(line.has("mdc"), "fields are top level, as Powertools writes them: " + raw);
        assertFalse(raw.contains(author.token()), "never the token");
        assertFalse(raw.contains("@"), "never an e-mail address");
    }

    @Test
    void aRequestWithAnApiKeyIsLoggedByTheKeysIdAndNoLogLineHoldsTheKey() throws Exception {
        FeedFixture f = new FeedFixture(database, tokens);
        TestUser author = f.user();
        TestApiKeys.TestApiKey key = new TestApiKeys(database.dataSource(), issued).withScopes(ApiKeyScope.READ);
        // Every logger, not only the request log: the key must reach no line at all.
        List<String> lines = linesLoggedUntil("obs-key-0002", "", () -> {
            FeedFixture.client().header("Authorization", key.authorization()).header("X-Request-Id", "obs-key-0001")
                    .get("/v1/feed/users/" + author.handle()).then().statusCode(200);
            FeedFixture.client().header("Authorization", key.authorization()).header("X-Request-Id", "obs-key-0002")
                    .body("{\"body\":\"refused\"}").post("/v1/posts").then().statusCode(403);
        });
        JsonNode line = JSON.readTree(lines.stream().filter(l -> l.contains("obs-key-0001")).findFirst().orElseThrow());
        assertEquals(key.id().toString(), line.get("api_key_id").asText());
        assertFalse(line.has("user_id"), "a key is not a user");
        for (String l : lines) {
            assertFalse(l.contains(key.key()), "never the key: " + l);
            assertFalse(l.contains(key.key().substring(4, 24)), "nor a part of it: " + l);
        }
    }

    /**
     * The lines {@code logger} (and the loggers below it; "" is every logger) writes while {@code requests} run, as the
     * console handler formats them, collected until one names {@code requestId} (the request log is written after
     * the answer has gone).
     */
    private static List<String> linesLoggedUntil(String requestId, String logger, Runnable requests) {
        Formatter console = consoleFormatter();
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler tap = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(console.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger tapped = LogContext.getLogContext().getLogger(logger);
        tapped.addHandler(tap);
        try {
            requests.run();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream().anyMatch(l -> l.contains(requestId)));
        } finally {
            tapped.removeHandler(tap);
        }
        return lines;
    }

    /** The formatter Quarkus' console handler writes with (JSON, flattened by LogFields). */
    private static Formatter consoleFormatter() {
        List<Handler> all = new ArrayList<>();
        collect(LogContext.getLogContext().getLogger("").getHandlers(), all);
        return all.stream().map(Handler::getFormatter)
                .filter(fm -> fm != null && fm.getClass().getName().contains("TopLevelMdc"))
                .findFirst().orElseThrow(() -> new AssertionError("no console handler writes Powertools fields"));
    }

    private static void collect(Handler[] handlers, List<Handler> into) {
        for (Handler h : handlers) {
            into.add(h);
            if (h instanceof org.jboss.logmanager.ExtHandler ext) {
                collect(ext.getHandlers(), into);
            }
        }
    }

    private static void awaitEmf(ByteArrayOutputStream captured, int requests) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> emfRequests(captured).size() >= requests);
    }

    private static List<JsonNode> emfRequests(ByteArrayOutputStream captured) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{\"_aws\"")) {
                JsonNode node = JSON.readTree(line);
                if (node.has("Route")) {
                    out.add(node);
                }
            }
        }
        return out;
    }
}
