package io.paddock.shared.observability;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@link RequestRecord} of the request being served, for code deep in a call (caches, limiters,
 * store clients) that has no request in hand. Outside a request (schedules, start-up, plain unit tests)
 * it hands out a record that drops everything, so callers never check.
 */
public final class RequestRecords {

    static final String KEY = "paddock.request-record";

    private RequestRecords() {
    }

    public static RequestRecord current() {
        ArcContainer container = Arc.container();
        if (container == null || !container.requestContext().isActive()) {
            return RequestRecord.DETACHED;
        }
        RoutingContext rc = container.instance(CurrentVertxRequest.class).get().getCurrent();
        return rc == null ? RequestRecord.DETACHED : of(rc);
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
