package io.paddock.shared.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The EMF lines as CloudWatch reads them: parsed back from what Powertools printed. */
class ServiceMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRequestBecomesOneEmfObjectWithServiceAndRouteDimensions() throws Exception {
        RequestRecord record = new RequestRecord(System.nanoTime());
        record.cacheHit();
        record.cacheMiss();
        record.cacheMiss();
        record.degraded("feed-from-postgres");
        List<JsonNode> lines = emfLinesOf(() -> new ServiceMetrics("PaddockTest")
                .request("feed", "GET:/v1/feed", 200, 42, record));
        assertEquals(1, lines.size(), "one object per request");
        JsonNode line = lines.get(0);
        JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
        assertEquals("PaddockTest", directive.get("Namespace").asText());
        // Per route, and per function for the alarms (template.yaml) that watch a whole function.
        assertEquals("[[\"Service\",\"Route\"],[\"Service\"]]", directive.get("Dimensions").toString());
        assertEquals("feed", line.get("Service").asText());
        assertEquals("GET:/v1/feed", line.get("Route").asText());
        assertEquals(42, line.get("Latency").asDouble());
        assertEquals(1, line.get("CacheHit").asDouble());
        assertEquals(2, line.get("CacheMiss").asDouble());
        assertEquals(1, line.get("Degraded").asDouble());
        assertEquals(0, line.get("5xx").asDouble());
        assertTrue(names(directive).containsAll(List.of("Latency", "Requests", "4xx", "5xx", "RateLimited", "Degraded",
                "CacheHit", "CacheMiss")), names(directive).toString());
    }

    @Test
    void aRateLimitedRequestCountsAsA4xxAndARejection() throws Exception {
        RequestRecord record = new RequestRecord(System.nanoTime());
        record.rateLimited();
        JsonNode line = emfLinesOf(() -> new ServiceMetrics("PaddockTest")
                .request("auth", "POST:/v1/auth/login", 429, 3, record)).get(0);
        assertEquals(1, line.get("4xx").asDouble());
        assertEquals(1, line.get("RateLimited").asDouble());
        assertTrue(line.get("CacheHit") == null, "no cache on this route: no cache metrics");
    }

    @Test
    void coldStartsAndBreakerTransitionsAreCountedPerService() throws Exception {
        ServiceMetrics metrics = new ServiceMetrics("PaddockTest");
        List<JsonNode> lines = emfLinesOf(() -> {
            metrics.coldStart("telemetry");
            metrics.breaker("telemetry", "postgres", true);
        });
        assertEquals(1, lines.get(0).get("ColdStart").asDouble());
        assertEquals("[[\"Service\"]]", lines.get(0).at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
        assertEquals(1, lines.get(1).get("BreakerOpen").asDouble());
        assertEquals("postgres", lines.get(1).get("Store").asText());
    }

    private static List<String> names(JsonNode directive) {
        List<String> names = new ArrayList<>();
        directive.get("Metrics").forEach(m -> names.add(m.get("Name").asText()));
        return names;
    }

    static List<JsonNode> emfLinesOf(Runnable action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{\"_aws\"")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }
}
