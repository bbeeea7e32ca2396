package io.paddock.shared.observability;

import com.amazonaws.services.lambda.runtime.Context;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One JSON line and one EMF metric set per request, whatever answered it (a resource, a filter, the
 * 404 of an unknown route). The request's fields go into the MDC when it starts, so every line logged
 * while serving it carries them too: Powertools' names for the Lambda context ({@code cold_start},
 * {@code function_request_id}, {@code xray_trace_id}, ...), {@code correlation_id} = X-Request-Id.
 * Never tokens, API keys, passwords or e-mail addresses: the user and the API key appear by id only.
 */
@ApplicationScoped
public class RequestLog {

    private static final Logger ACCESS = Logger.getLogger("io.paddock.access");
    private static final List<String> FIELDS = List.of("service", "correlation_id", "cold_start", "function_name",
            "function_version", "function_memory_size", "function_arn", "function_request_id", "xray_trace_id",
            "sampling_rate", LogFields.SAMPLED, "http_method", "route", "status", "latency_ms", "user_id", "api_key_id", "degraded");

    private final ServiceMetrics metrics;
    private final String application;
    private final double sampleRate;
    /** One per container: its first request is the cold start (not so for provisioned concurrency). */
    private final AtomicBoolean cold = new AtomicBoolean(
            !"provisioned-concurrency".equals(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE")));

    public RequestLog(ServiceMetrics metrics, LogFields logFields,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "paddock") String application) {
        this.metrics = metrics;
        this.application = application.startsWith("paddock-") ? application.substring("paddock-".length()) : application;
        this.sampleRate = logFields.debugSampleRate();
    }

    /**
     * Makes the next request the cold start again: after a SnapStart restore the first invocation is the
     * copy's cold start, though priming requests were served before the snapshot.
     */
    public void nextRequestIsColdStart() {
        cold.set(!"provisioned-concurrency".equals(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE")));
    }

    /** First thing per request: its record and the fields every line of it carries. */
    public void started(RoutingContext rc, String requestId, long startedNanos) {
        RequestRecord record = RequestRecords.start(rc, startedNanos);
        boolean coldStart = cold.getAndSet(false);
        record.requestId(requestId);
        record.coldStart(coldStart);
        MDC.put("service", application);
        MDC.put("correlation_id", requestId);
        MDC.put("cold_start", Boolean.toString(coldStart));
        if (rc.request().headers() instanceof QuarkusHttpHeaders headers
                && headers.getContextObjects().get(Context.class) instanceof Context lambda) {
            putIfPresent("function_name", lambda.getFunctionName());
            putIfPresent("function_version", lambda.getFunctionVersion());
            if (lambda.getMemoryLimitInMB() > 0) {
                MDC.put("function_memory_size", Integer.toString(lambda.getMemoryLimitInMB()));
            }
            putIfPresent("function_arn", lambda.getInvokedFunctionArn());
            putIfPresent("function_request_id", lambda.getAwsRequestId());
        }
        putIfPresent("xray_trace_id", xrayTraceId());
        if (sampleRate > 0) {
            MDC.put("sampling_rate", Double.toString(sampleRate));
            MDC.put(LogFields.SAMPLED, Boolean.toString(ThreadLocalRandom.current().nextDouble() < sampleRate));
        }
    }

    /** When the response's last byte is written. */
    public void finished(RoutingContext rc) {
        RequestRecord record = RequestRecords.of(rc);
        long latencyMs = (System.nanoTime() - record.startedNanos()) / 1_000_000;
        int status = rc.response().getStatusCode();
        String template = record.route();
        String method = rc.request().method().name();
        // EMF dimension values may hold no whitespace.
        String route = method + ":" + (template == null ? "unmatched" : template);
        String service = record.service() == null ? application : record.service();
        Set<String> degraded = record.degradedBehaviours();
        MDC.put("service", service);
        MDC.put("http_method", method);
        MDC.put("route", template == null ? "unmatched" : template);
        MDC.put("status", Integer.toString(status));
        MDC.put("latency_ms", Long.toString(latencyMs));
        putIfPresent("user_id", record.userId());
        putIfPresent("api_key_id", record.apiKeyId());
        if (!degraded.isEmpty()) {
            MDC.put("degraded", String.join(",", degraded));
        }
        try {
            ACCESS.infof("%s %s %d %d ms", method, template == null ? rc.request().path() : template, status, latencyMs);
            if (record.wasColdStart()) {
                metrics.coldStart(service);
            }
            metrics.request(service, route, status, latencyMs, record);
        } catch (RuntimeException e) {
            // Telemetry about a request must never be what fails it; the line above is already out.
            ACCESS.warnf("metrics of %s not written: %s", route, e.toString());
        } finally {
            FIELDS.forEach(MDC::remove);
        }
    }

    private static void putIfPresent(String key, String value) {
        if (value != null && !value.isBlank()) {
            MDC.put(key, value);
        }
    }

    /** Set per invocation by the Lambda runtime (property by the Java runtime client, env by older ones). */
    private static String xrayTraceId() {
        String header = System.getProperty("com.amazonaws.xray.traceHeader", System.getenv("_X_AMZN_TRACE_ID"));
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            if (part.startsWith("Root=")) {
                return part.substring("Root=".length());
            }
        }
        return null;
    }
}
