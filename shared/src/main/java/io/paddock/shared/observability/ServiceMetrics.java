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
 * CloudWatch metrics in Embedded Metric Format, written to stdout by Powertools (Lambda ships stdout to
 * CloudWatch Logs, which extracts them; no API call, no latency). One EMF object per request with the
 * dimension sets [Service, Route] and [Service] (the function), plus cold starts and breaker transitions
 * per Service.
 * Each flush builds its own metric set ({@link Metrics#flushMetrics}), so requests served in parallel
 * (the local API) never mix their values.
 */
@ApplicationScoped
public class ServiceMetrics {

    private final Metrics metrics;
    private final String namespace;

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
        this.namespace = namespace;
        this.metrics = MetricsFactory.getMetricsInstance();
        this.metrics.setNamespace(namespace);
    }

    /** The metrics of one finished request. */
    public void request(String service, String route, int status, long latencyMs, RequestRecord record) {
        Set<String> degraded = record.degradedBehaviours();
        metrics.flushMetrics(m -> {
            // Two dimension sets: per route (dashboards, finding the slow route) and per function, which
            // is what the alarms (5xx share, p99 latency) and CodeDeploy's rollback watch. No defaults:
            // the EMF library's own (LogGroup, ServiceName, ServiceType) are no one's dimensions.
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

    public void coldStart(String service) {
        metrics.flushSingleMetric("ColdStart", 1, MetricUnit.COUNT, namespace, DimensionSet.of("Service", service));
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
