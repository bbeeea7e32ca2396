package io.paddock.shared.observability;

import io.paddock.shared.config.InvalidConfigurationException;
import io.paddock.shared.config.PaddockConfig;
import io.quarkus.runtime.Startup;
import io.sentry.Breadcrumb;
import io.sentry.Sentry;
import io.sentry.SentryLevel;
import io.sentry.SentryOptions;
import io.sentry.protocol.Request;
import io.sentry.protocol.User;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Unexpected failures, sent to Sentry with what the request did. Without {@code paddock.sentry.dsn}
 * Sentry is never initialised and {@link #report} returns at once. The client is built once per
 * container at start-up (Lambda init); each report carries its request's details in a scope of its
 * own, so nothing of one request stays behind for the next.
 */
@Startup
@Singleton
public class ErrorReports {

    /** Lambda freezes the container once the response is out, so a report is sent before that, or never. */
    static final long FLUSH_TIMEOUT_MILLIS = 2000;
    static final int TRANSPORT_TIMEOUT_MILLIS = 2000;
    static final int MAX_BREADCRUMBS = 32;

    private final boolean enabled;

    public ErrorReports(SentryConfig sentry, PaddockConfig config,
            @ConfigProperty(name = "quarkus.application.version") Optional<String> release) {
        this.enabled = start(sentry.dsn().filter(dsn -> !dsn.isBlank()), sentry.sampleRate(), config.env(),
                release.orElse(null));
    }

    /** Initialises Sentry when a DSN is given; false (and nothing initialised) without one. */
    static boolean start(Optional<String> dsn, double sampleRate, String environment, String release) {
        if (dsn.isEmpty()) {
            return false;
        }
        SentryOptions options = new SentryOptions();
        options.setDsn(dsn.get().trim());
        options.setSampleRate(sampleRate);
        options.setRelease(release);
        options.setEnvironment(environment);
        options.setSendDefaultPii(false);
        options.setDebug(false);
        options.setMaxBreadcrumbs(MAX_BREADCRUMBS);
        options.setConnectionTimeoutMillis(TRANSPORT_TIMEOUT_MILLIS);
        options.setReadTimeoutMillis(TRANSPORT_TIMEOUT_MILLIS);
        options.setBeforeSend(new EventScrubber());
        // Failures are reported (and flushed) where they are answered; a JVM-wide handler would send
        // what Quarkus already handles, and might not flush before Lambda freezes the container.
        options.setEnableUncaughtExceptionHandler(false);
        // It only down-samples transactions, which Paddock does not send; it would run a thread for nothing.
        options.setEnableBackpressureHandling(false);
        try {
            Sentry.init(options);
        } catch (IllegalArgumentException e) {
            // Sentry's own "Invalid DSN: ..." texts name the part at fault; any other message may quote the DSN.
            String reason = e.getMessage() != null && e.getMessage().startsWith("Invalid DSN:")
                    ? e.getMessage() : "it does not parse";
            throw new InvalidConfigurationException(List.of("paddock.sentry.dsn (env SENTRY_DSN) is not a Sentry DSN ("
                    + reason + "); expected https://<public-key>@<host>/<project-id>"));
        }
        return true;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Sends {@code error} with the request's route, id, user id and store calls, and waits (bounded)
     * until it is out. Only the catch-all 500 mapper calls this: expected failures are not reported.
     */
    public void report(Throwable error, HttpServerRequest request, RequestRecord record) {
        if (!enabled) {
            return;
        }
        Sentry.captureException(error, scope -> {
            // Null when the failure came before a route matched; Sentry then leaves the tag out.
            scope.setTag("route", record.route());
            scope.setTag("request_id", record.requestId());
            scope.setRequest(request(request));
            if (record.userId() != null) {
                User user = new User();
                user.setId(record.userId());
                scope.setUser(user);
            }
            for (RequestRecord.StoreCall call : record.storeCalls()) {
                scope.addBreadcrumb(breadcrumb(call));
            }
        });
        Sentry.flush(FLUSH_TIMEOUT_MILLIS);
    }

    /** Method, path, query and headers; {@link EventScrubber} takes out credentials, cookies and addresses. */
    private static Request request(HttpServerRequest request) {
        Request sent = new Request();
        sent.setMethod(request.method().name());
        sent.setUrl(request.path());
        sent.setQueryString(request.query());
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach(header -> headers.merge(header.getKey(), header.getValue(), (a, b) -> a + ", " + b));
        sent.setHeaders(headers);
        return sent;
    }

    static Breadcrumb breadcrumb(RequestRecord.StoreCall call) {
        Breadcrumb breadcrumb = new Breadcrumb(Date.from(call.at()));
        breadcrumb.setType("query");
        breadcrumb.setCategory("store." + call.store());
        breadcrumb.setMessage(call.store() + " " + call.operation());
        breadcrumb.setData("duration_ms", call.durationMs());
        breadcrumb.setData("ok", call.ok());
        breadcrumb.setLevel(call.ok() ? SentryLevel.INFO : SentryLevel.ERROR);
        return breadcrumb;
    }

    /** Sends what is still queued; the next app of a test JVM, or none, starts from a clean slate. */
    @PreDestroy
    void close() {
        if (enabled) {
            Sentry.close();
        }
    }
}
