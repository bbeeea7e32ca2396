package io.paddock.shared.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** The EMF lines as CloudWatch reads them: parsed back from what was printed, and compared with Powertools' own. */
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

    @Test
    void theRequestLineIsTheObjectPowertoolsWritesForTheSameRequest() throws Exception {
        RequestRecord plain = new RequestRecord(System.nanoTime());
        RequestRecord cachedAndDegraded = new RequestRecord(System.nanoTime());
        cachedAndDegraded.cacheHit();
        cachedAndDegraded.cacheMiss();
        cachedAndDegraded.cacheMiss();
        cachedAndDegraded.degraded("feed-from-postgres");
        cachedAndDegraded.degraded("served-unrecorded");
        RequestRecord limited = new RequestRecord(System.nanoTime());
        limited.rateLimited();
        ServiceMetrics metrics = new ServiceMetrics("PaddockTest");
        record Case(String service, String route, int status, long latency, RequestRecord record) {
        }
        for (Case c : List.of(new Case("feed", "GET:/v1/feed/users/{handle}", 200, 3, plain),
                new Case("feed", "GET:/v1/feed/home", 200, 1234, cachedAndDegraded),
                new Case("auth", "POST:/v1/auth/login", 429, 0, limited),
                new Case("ratelimit", "GET:unmatched", 503, 7, plain),
                new Case("odd\"service\"\\", "GET:/v1/x\"y{z}", 404, 1, plain))) {
            JsonNode ours = JSON.readTree(metrics.requestLine(c.service(), c.route(), c.status(), c.latency(), c.record(), 0));
            JsonNode powertools = emfLinesOf(() -> flushedByPowertools(c.service(), c.route(), c.status(), c.latency(), c.record()))
                    .get(0);
            assertEquals(comparable(powertools), comparable(ours), c.toString());
        }
        for (String notADimensionValue : List.of("", "GET:/v1/x y", "GET:/v1/\tx", "GET:/v1/\u00e9", "r".repeat(1025))) {
            assertThrows(IllegalArgumentException.class, () -> flushedByPowertools("feed", notADimensionValue, 200, 1, plain));
            assertThrows(IllegalArgumentException.class, () -> metrics.requestLine("feed", notADimensionValue, 200, 1, plain, 0),
                    "refused like Powertools refuses it: " + notADimensionValue);
        }
    }

    @Test
    void theColdStartLineIsTheObjectPowertoolsWritesForIt() throws Exception {
        JsonNode ours = JSON.readTree(new ServiceMetrics("PaddockTest").coldStartLine("telemetry", 0));
        JsonNode powertools = emfLinesOf(() -> MetricsFactory.getMetricsInstance().flushSingleMetric("ColdStart", 1,
                MetricUnit.COUNT, "PaddockTest", DimensionSet.of("Service", "telemetry"))).get(0);
        assertEquals(comparable(powertools), comparable(ours));
    }

    /** What ServiceMetrics.request wrote through Powertools before it wrote its own line: the reference. */
    private static void flushedByPowertools(String service, String route, int status, long latencyMs, RequestRecord record) {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace("PaddockTest");
        Set<String> degraded = record.degradedBehaviours();
        metrics.flushMetrics(m -> {
            m.clearDefaultDimensions();
            m.addDimension(DimensionSet.of("Service", service, "Route", route));
            m.addDimension(DimensionSet.of("Service", service));
            m.addMetric("Latency", latencyMs, MetricUnit.MILLISECONDS);
            m.addMetric("Requests", 1, MetricUnit.COUNT);
            m.addMetric("4xx", status >= 400 && status < 500 ? 1 : 0, MetricUnit.COUNT);
            m.addMetric("5xx", status >= 500 ? 1 : 0, MetricUnit.COUNT);
            m.addMetric("RateLimited", record.wasRateLimited() ? 1 : 0, MetricUnit.COUNT);
            m.addMetric("Degraded", degraded.isEmpty() ? 0 : 1, MetricUnit.COUNT);
            if (record.cacheHits() + record.cacheMisses() > 0) {
                m.addMetric("CacheHit", record.cacheHits(), MetricUnit.COUNT);
                m.addMetric("CacheMiss", record.cacheMisses(), MetricUnit.COUNT);
            }
            if (!degraded.isEmpty()) {
                m.addMetadata("degraded", String.join(",", degraded));
            }
        });
    }

    /**
     * An EMF object as CloudWatch reads it: the timestamp left out, the directive's metrics as a set (their
     * order means nothing), every number as a double (42 and 42.0 are the same value).
     */
    private static Map<String, Object> comparable(JsonNode line) {
        Map<String, Object> fields = new TreeMap<>();
        line.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().isNumber() ? (Object) f.getValue().asDouble()
                : f.getValue().isTextual() ? f.getValue().asText() : null));
        fields.remove("_aws");
        JsonNode directive = line.at("/_aws/CloudWatchMetrics");
        assertEquals(1, directive.size(), line.toString());
        Set<String> metrics = new TreeSet<>();
        directive.get(0).get("Metrics").forEach(m -> metrics.add(m.toString()));
        fields.put("_aws.CloudWatchMetrics[0].Metrics", metrics);
        fields.put("_aws.CloudWatchMetrics[0].Namespace", directive.get(0).get("Namespace").asText());
        fields.put("_aws.CloudWatchMetrics[0].Dimensions", directive.get(0).get("Dimensions").toString());
        fields.put("_aws keys", List.copyOf(iterable(line.get("_aws").fieldNames())));
        return fields;
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        list.sort(null);
        return list;
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
