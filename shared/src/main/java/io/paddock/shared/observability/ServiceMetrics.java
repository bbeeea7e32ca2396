package io.paddock.shared.observability;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import jakarta.inject.Inject;
import software.amazon.cloudwatchlogs.emf.config.EnvironmentConfigurationProvider;
import software.amazon.cloudwatchlogs.emf.environment.Environments;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * CloudWatch metrics in Embedded Metric Format, written to stdout (Lambda ships stdout to CloudWatch Logs,
 * which extracts them; no API call, no latency). One EMF object per request with the dimension sets
 * [Service, Route] and [Service] (the function), plus cold starts and breaker transitions per Service.
 *
 * <p>The per-request object is written here, not by Powertools: Powertools builds a metrics context per flush
 * and serialises it through the EMF library's generic Jackson bean serialiser, which was 22 % of the CPU of a
 * cached feed read (JFR of {@code ./paddock local} under wrk). The line written here is the same EMF object —
 * {@code ServiceMetricsTest} compares it with the one Powertools writes for the same request — built in one
 * pass. So is the cold start's, which lands on a container's first request: written through Powertools it loads
 * the EMF library's model and serialiser there. The rare metrics (breakers, quarantined batches) stay with Powertools.
 */
@ApplicationScoped
public class ServiceMetrics {

    /** The metrics of a request, in the order of the directive; the cache pair only where a cache was asked. */
    private static final String DIRECTIVE_METRICS = "{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"},"
            + "{\"Name\":\"Requests\",\"Unit\":\"Count\"},{\"Name\":\"4xx\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"5xx\",\"Unit\":\"Count\"},{\"Name\":\"RateLimited\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"Degraded\",\"Unit\":\"Count\"}";
    private static final String CACHE_METRICS = ",{\"Name\":\"CacheHit\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"CacheMiss\",\"Unit\":\"Count\"}";

    private final Metrics metrics;
    private final String namespace;
    /** Powertools' switch (POWERTOOLS_METRICS_DISABLED) holds for the lines written here too. */
    private final boolean disabled;
    private final String directiveStart;

    @Inject
    public ServiceMetrics(ObservabilitySettings settings) {
        this(settings.metricsNamespace());
    }

    public ServiceMetrics(String namespace) {
        if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null && System.getenv("AWS_EMF_ENVIRONMENT") == null) {
            // Left to itself the EMF library probes EC2 metadata and then a CloudWatch agent on TCP;
            // off Lambda the lines go to stdout like on it.
            EnvironmentConfigurationProvider.getConfig().setEnvironmentOverride(Environments.Local);
        }
        if (namespace == null || namespace.length() > 255 || !namespace.matches("[a-zA-Z0-9._#:/-]+")) {
            // CloudWatch's rule, which Powertools applies at every flush: refused once, at start, here.
            throw new IllegalArgumentException("metrics namespace must be 1..255 of a-z A-Z 0-9 . _ # : / -, got " + namespace);
        }
        this.namespace = namespace;
        this.metrics = MetricsFactory.getMetricsInstance();
        this.metrics.setNamespace(namespace);
        this.disabled = "true".equalsIgnoreCase(System.getenv("POWERTOOLS_METRICS_DISABLED"));
        this.directiveStart = "\"CloudWatchMetrics\":[{\"Namespace\":" + jsonString(namespace) + ",\"Dimensions\":"
                + "[[\"Service\",\"Route\"],[\"Service\"]],\"Metrics\":[";
    }

    /** The metrics of one finished request: one line on stdout. */
    public void request(String service, String route, int status, long latencyMs, RequestRecord record) {
        if (!disabled) {
            System.out.println(requestLine(service, route, status, latencyMs, record, System.currentTimeMillis()));
        }
    }

    /**
     * Two dimension sets: per route (dashboards, finding the slow route) and per function, which is what the
     * alarms (5xx share, p99 latency) and CodeDeploy's rollback watch. No default dimensions: the EMF
     * library's own (LogGroup, ServiceName, ServiceType) are no one's.
     */
    String requestLine(String service, String route, int status, long latencyMs, RequestRecord record, long timestamp) {
        requireDimensionValue(service);
        requireDimensionValue(route);
        Set<String> degraded = record.degradedBehaviours();
        boolean cached = record.cacheHits() + record.cacheMisses() > 0;
        StringBuilder line = new StringBuilder(640).append("{\"_aws\":{\"Timestamp\":").append(timestamp).append(',')
                .append(directiveStart).append(DIRECTIVE_METRICS).append(cached ? CACHE_METRICS : "").append("]}]},");
        line.append("\"Service\":").append(jsonString(service)).append(",\"Route\":").append(jsonString(route))
                .append(",\"Latency\":").append(latencyMs)
                .append(",\"Requests\":1")
                .append(",\"4xx\":").append(status >= 400 && status < 500 ? 1 : 0)
                .append(",\"5xx\":").append(status >= 500 ? 1 : 0)
                .append(",\"RateLimited\":").append(record.wasRateLimited() ? 1 : 0)
                .append(",\"Degraded\":").append(degraded.isEmpty() ? 0 : 1);
        if (cached) {
            line.append(",\"CacheHit\":").append(record.cacheHits()).append(",\"CacheMiss\":").append(record.cacheMisses());
        }
        if (!degraded.isEmpty()) {
            line.append(",\"degraded\":").append(jsonString(String.join(",", degraded)));
        }
        return line.append('}').toString();
    }

    /** The EMF library's (and Powertools') rule for a dimension value: 1..1024 printable ASCII characters, no space. */
    private static void requireDimensionValue(String value) {
        if (value == null || value.isEmpty() || value.length() > 1024 || value.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("not a dimension value (1..1024 printable ASCII characters, no space): " + value);
        }
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String jsonString(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A container's first request: one line, written like the request's (the first request is where it lands). */
    public void coldStart(String service) {
        if (!disabled) {
            System.out.println(coldStartLine(service, System.currentTimeMillis()));
        }
    }

    String coldStartLine(String service, long timestamp) {
        requireDimensionValue(service);
        return "{\"_aws\":{\"Timestamp\":" + timestamp + ",\"CloudWatchMetrics\":[{\"Namespace\":" + jsonString(namespace)
                + ",\"Dimensions\":[[\"Service\"]],\"Metrics\":[{\"Name\":\"ColdStart\",\"Unit\":\"Count\"}]}]},"
                + "\"Service\":" + jsonString(service) + ",\"ColdStart\":1}";
    }

    /**
     * Parked telemetry batches the replay set aside for their content (written every run, 0 included, so
     * an alarm on the Sum sees data rather than "missing").
     */
    public void parkedBatchesQuarantined(String service, int batches) {
        metrics.flushSingleMetric("ParkedBatchesQuarantined", batches, MetricUnit.COUNT, namespace,
                DimensionSet.of("Service", service));
    }

    /** 1 when a store's breaker opens, 0 when it closes: the Maximum per period shows an open breaker. */
    public void breaker(String service, String store, boolean open) {
        metrics.flushSingleMetric("BreakerOpen", open ? 1 : 0, MetricUnit.COUNT, namespace,
                DimensionSet.of("Service", service, "Store", store));
    }
}
