package io.paddock.shared.http;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.observability.RequestLog;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The conventions every response shares, applied at the HTTP layer so that they hold for JAX-RS
 * resources, framework endpoints and unmatched routes alike: request id, security headers, the origin
 * lock, CORS, the body-size limit, the request's log line and metrics ({@link RequestLog}), and a
 * problem+json 404 for unknown routes.
 *
 * <p>Order matters: the {@link OriginLock} is the first decision taken — before CORS preflights, the
 * 413, the 404/405 of unknown routes and every JAX-RS filter (rate limiting included) — so a call that did
 * not come through CloudFront touches no store and counts against no client's limit. It still gets a
 * request id and one access-log line (status 403), which is how operators see direct calls.
 */
@ApplicationScoped
public class HttpConventions {

    private final CorsPolicy cors;
    private final RequestLog requestLog;
    private final OriginLock originLock;
    private final boolean localMode;
    private final long maxBodyBytes;

    public HttpConventions(CorsPolicy cors, RequestLog requestLog, OriginLock originLock, PaddockConfig config) {
        this.cors = cors;
        this.requestLog = requestLog;
        this.originLock = originLock;
        this.localMode = config.localMode();
        this.maxBodyBytes = config.http().maxBodyBytes();
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, 1000);
    }

    /** Runs after every other route: nothing matched, so the contract's 404 problem. */
    void notFound(@Observes Router router) {
        router.route().order(Integer.MAX_VALUE).handler(rc -> {
            if (!rc.response().ended()) {
                ProblemResponses.send(rc.response(), Problem.of(404, "not-found", "Not Found",
                        "No route " + rc.request().method() + " " + rc.request().path(), rc.request().path(),
                        rc.request().getHeader(RequestIds.HEADER)));
            }
        });
    }

    void handle(RoutingContext rc) {
        long started = System.nanoTime();
        HttpServerRequest request = rc.request();
        HttpServerResponse response = rc.response();
        String requestId = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
        // Downstream (JAX-RS mappers, resources) read the one id from the request itself.
        request.headers().set(RequestIds.HEADER, requestId);
        response.putHeader(RequestIds.HEADER, requestId);
        securityHeaders(request, response);
        requestLog.started(rc, requestId, started);
        rc.addBodyEndHandler(ignored -> requestLog.finished(rc));

        boolean fromTheEdge = originLock.admits(request.getHeader(OriginLock.HEADER));
        // Nothing downstream (error reports, logs) ever sees the secret, whether the lock is on or not.
        request.headers().remove(OriginLock.HEADER);
        if (!fromTheEdge) {
            // The same answer for a missing and a wrong value, and nothing about what was expected.
            ProblemResponses.send(response, Problem.of(403, "forbidden", "Forbidden",
                    "This API answers only through its public endpoint", request.path(), requestId));
            return;
        }

        String origin = request.getHeader(HttpHeaders.ORIGIN);
        boolean corsAllowed = cors.allows(origin);
        if (corsAllowed) {
            response.putHeader("Access-Control-Allow-Origin", origin);
            response.putHeader("Access-Control-Expose-Headers", CorsPolicy.EXPOSED_HEADERS);
        }
        if (origin != null) {
            response.headers().add(HttpHeaders.VARY, "Origin");
        }
        if (request.method() == HttpMethod.OPTIONS && origin != null
                && request.getHeader("Access-Control-Request-Method") != null) {
            if (!corsAllowed) {
                ProblemResponses.send(response, Problem.of(403, "cors-origin-denied", "Origin not allowed",
                        "The origin " + origin + " may not call this API from a browser", request.path(), requestId));
                return;
            }
            response.setStatusCode(204)
                    .putHeader("Access-Control-Allow-Methods", CorsPolicy.ALLOWED_METHODS)
                    .putHeader("Access-Control-Allow-Headers", CorsPolicy.ALLOWED_HEADERS)
                    .putHeader("Access-Control-Max-Age", Integer.toString(cors.maxAgeSeconds()))
                    .putHeader("Cache-Control", "no-store")
                    .end();
            return;
        }

        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLarge(length)) {
            ProblemResponses.send(response, Problem.of(413, "payload-too-large", "Payload Too Large",
                    "The body may be at most " + maxBodyBytes + " bytes", request.path(), requestId));
            return;
        }
        rc.next();
    }

    private boolean tooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private void securityHeaders(HttpServerRequest request, HttpServerResponse response) {
        response.putHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
        response.putHeader("X-Content-Type-Options", "nosniff");
        response.putHeader("Referrer-Policy", "no-referrer");
        response.putHeader("X-Frame-Options", "DENY");
        // JSON needs no scripts, styles or frames; only the local Swagger UI (under /q/) is a page.
        if (!(localMode && request.path().startsWith("/q/"))) {
            response.putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        }
    }
}
