package io.paddock.shared.observability;

import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * The {@link RequestRecord} of the request this thread is serving, for code deep in a call (caches,
 * limiters, stores) that has no request in hand. Outside a request it hands out a record that
 * drops everything, so callers never check.
 */
@ApplicationScoped
public class RequestRecords {

    static final String KEY = "paddock.request-record";

    private final Instance<CurrentVertxRequest> current;

    public RequestRecords(Instance<CurrentVertxRequest> current) {
        this.current = current;
    }

    public RequestRecord current() {
        if (!Arc.container().requestContext().isActive()) {
            return RequestRecord.DETACHED;
        }
        RoutingContext rc = current.get().getCurrent();
        RequestRecord record = rc == null ? null : rc.get(KEY);
        return record == null ? RequestRecord.DETACHED : record;
    }

    /** Called once per request, first thing at the HTTP layer. */
    public static RequestRecord start(RoutingContext rc, long startedNanos) {
        RequestRecord record = new RequestRecord(startedNanos);
        rc.put(KEY, record);
        return record;
    }

    public static RequestRecord of(RoutingContext rc) {
        RequestRecord record = rc.get(KEY);
        return record == null ? RequestRecord.DETACHED : record;
    }
}
