package io.paddock.shared.http;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.observability.RequestLog;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * The conventions every response shares, applied at the HTTP layer so that they hold for JAX-RS
 * resources, framework endpoints and unmatched routes alike: request id, security headers, the origin
 * lock, CORS ({@code Vary: Origin} on every answer), the request-line and header-size limits (414, 431), a
 * request target that is not a valid URI (400, see {@link #answerUnparsableTargetsHere}), the JSON-only rule
 * for request bodies (415), the body-size limit counted on the bytes received (413), the request's log line
 * and metrics ({@link RequestLog}), and a problem+json 404 for unknown routes. A 415 or 413 for a request a
 * route answers is given by that route's {@link BodyRefusals} step, after its limit and authorization steps.
 *
 * <p>Order matters: the {@link OriginLock} is the first decision taken — before CORS preflights, the 415 and
 * 413, the 404/405 of unknown routes and every JAX-RS filter (rate limiting included) — so a call that did
 * not come through CloudFront touches no store and counts against no client's limit. It still gets a
 * request id and one access-log line (status 403), which is how operators see direct calls.
 */
@ApplicationScoped
public class HttpConventions {

    /** Methods whose requests carry a body here; a GET's or OPTIONS' body is never read by any route. */
    private static final Set<HttpMethod> CAN_CARRY_A_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    /**
     * The longest request line (method, target, version) and the most header bytes (names, values and
     * their separators) a request may have; over them: 414 and 431 problems from {@link #handle}. The HTTP
     * server's own limits ({@code quarkus.http.limits.max-initial-line-length} and {@code max-header-size})
     * are set above these, because what Vert.x itself refuses it answers bare (status only: no body, no
     * request id, no security headers) before any handler of ours runs, and Quarkus offers no hook into it.
     */
    public static final int MAX_REQUEST_LINE_BYTES = 16 * 1024;
    public static final int MAX_HEADER_BYTES = 20 * 1024;
    private static final int MAX_INSTANCE_LENGTH = 256;

    private final CorsPolicy cors;
    private final RequestLog requestLog;
    private final OriginLock originLock;
    private final RouteTable routes;
    private final boolean localMode;
    private final long maxBodyBytes;

    public HttpConventions(CorsPolicy cors, RequestLog requestLog, OriginLock originLock, RouteTable routes,
            PaddockConfig config) {
        this.cors = cors;
        this.requestLog = requestLog;
        this.originLock = originLock;
        this.routes = routes;
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
        // Every route answers CORS, so every answer depends on Origin, whether this request had one or not: a
        // shared cache must not hand an answer without CORS headers to a browser that needs them. Added when
        // the headers are written, so a route's own Vary (Authorization) does not replace it.
        rc.addHeadersEndHandler(ignored -> varyOnOrigin(response));
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
        if (requestLineLength(request) > MAX_REQUEST_LINE_BYTES) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            ProblemResponses.send(response, Problem.of(414, "uri-too-long", "URI Too Long",
                    "The request line may be at most " + MAX_REQUEST_LINE_BYTES + " bytes", shortPath(request), requestId));
            return;
        }
        if (headerBytes(request) > MAX_HEADER_BYTES) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            ProblemResponses.send(response, Problem.of(431, "request-header-fields-too-large",
                    "Request Header Fields Too Large", "The request headers may be at most " + MAX_HEADER_BYTES
                            + " bytes together", shortPath(request), requestId));
            return;
        }
        if (!parsableTarget(request.uri())) {
            ProblemResponses.send(response, Problem.of(400, "bad-request", "Bad Request",
                    "The request target is not a valid URI: a '%' must start a percent-encoding of two hex digits",
                    shortPath(request), requestId));
            return;
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
        boolean chunked = request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        boolean json = JsonMediaTypes.isJson(request.getHeader(HttpHeaders.CONTENT_TYPE));
        if ((chunked || declaresContent(length)) && !json) {
            // A browser sends a body without Content-Type, or as text/plain or a form, cross-site without a
            // preflight; such a forged call never reaches a store or a hash past the limit step (its body is
            // never read), and it is counted against the caller like any refused request.
            Problem unsupported = Problem.of(415, "unsupported-media-type", "Unsupported Media Type",
                    "Send the body as application/json", request.path(), requestId);
            if (routes.answers(request.method().name(), request.path())) {
                // Lets the route match its @Consumes (nothing reads this body) so that its steps run first.
                request.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
                BodyRefusals.leaveToTheRoute(rc, unsupported);
            } else {
                ProblemResponses.send(response, unsupported);
            }
            return;
        }
        if (json) {
            // The contract takes application/*+json as JSON; the routes declare application/json, so every
            // member of the family is presented to them as that one type.
            request.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        if (length != null) {
            if (tooLarge(length)) {
                refuseTooLarge(rc, requestId);
                return;
            }
            // The HTTP codec delivers exactly Content-Length bytes: the header is the count.
            rc.next();
        } else if (!request.isEnded() && (chunked || CAN_CARRY_A_BODY.contains(request.method()))) {
            readCounted(rc, requestId);
        } else {
            rc.next();
        }
    }

    /**
     * Reads a body of undeclared length (chunked, or HTTP/2 without content-length) here, counting the bytes
     * as they arrive, so the limit holds for what is received and not only for what a header claims. The
     * body is handed on through {@link RoutingContext#setBody}, where Quarkus REST takes it instead of
     * reading the request again. Cost: such a body is buffered once (at most the limit) before the route
     * runs. Hazard: a chunk that arrived before the handler was set would be lost; Quarkus keeps the request
     * paused until a handler reads it, and this one is set before the request is resumed.
     */
    @SuppressWarnings("deprecation") // RoutingContext.setBody is how a read body reaches Quarkus REST on Vert.x 4
    private void readCounted(RoutingContext rc, String requestId) {
        HttpServerRequest request = rc.request();
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            rc.response().writeContinue();
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return; // dropped until the connection closes
            }
            if ((long) body.length() + chunk.length() > maxBodyBytes) {
                refused[0] = true;
                refuseTooLarge(rc, requestId);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(ignored -> {
            if (!refused[0] && !rc.response().ended()) {
                rc.setBody(body);
                rc.next();
            }
        });
        request.resume();
    }

    private void refuseTooLarge(RoutingContext rc, String requestId) {
        HttpServerRequest request = rc.request();
        // The client may still be sending; closing after the answer stops it without reading the rest.
        rc.response().putHeader(HttpHeaders.CONNECTION, "close");
        Problem tooLarge = Problem.of(413, "payload-too-large", "Payload Too Large",
                "The body may be at most " + maxBodyBytes + " bytes", request.path(), requestId);
        if (routes.answers(request.method().name(), request.path())) {
            // Nothing reads the body from here on; without its length the server's own backstop
            // (quarkus.http.limits.max-body-size) does not answer a huge one bare before the route's steps.
            request.headers().remove(HttpHeaders.CONTENT_LENGTH);
            BodyRefusals.leaveToTheRoute(rc, tooLarge);
        } else {
            ProblemResponses.send(rc.response(), tooLarge);
        }
    }

    static void varyOnOrigin(HttpServerResponse response) {
        for (String vary : response.headers().getAll(HttpHeaders.VARY)) {
            for (String field : vary.split(",")) {
                String name = field.strip();
                if (name.equalsIgnoreCase("Origin") || name.equals("*")) {
                    return;
                }
            }
        }
        response.headers().add(HttpHeaders.VARY, "Origin");
    }

    /**
     * Quarkus refuses a request target that {@link URI} cannot parse ({@code /v1/%zz}) in its outermost HTTP
     * handler, before any route or filter, with a bare 400: no body, no request id, no security headers.
     * This switches that check off so the same targets reach {@link #handle} and get the contract's problem
     * there, by the same test ({@link #parsableTarget}). It must run before Quarkus starts (Quarkus reads the
     * switch once, when its HTTP recorder class loads): every entry point calls it first —
     * {@code LambdaEntryPoint}, the local stack's main — and the tests set the property in the build.
     */
    public static void answerUnparsableTargetsHere() {
        System.setProperty(DISABLE_QUARKUS_URI_CHECK, "true");
    }

    /** Quarkus' (Vert.x's) switch of its own request-target check. */
    public static final String DISABLE_QUARKUS_URI_CHECK = "vertx.disableURIValidation";

    /** The test Quarkus applies: nothing below this filter ever sees a target it would have refused. */
    static boolean parsableTarget(String uri) {
        if (uri == null) {
            return false;
        }
        try {
            new URI(uri);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** As the HTTP/1.1 codec counts it: {@code METHOD SP request-target SP HTTP/1.1}. */
    private static int requestLineLength(HttpServerRequest request) {
        String uri = request.uri();
        return request.method().name().length() + 1 + (uri == null ? 0 : uri.length()) + 9;
    }

    /** Every header line with its {@code ": "} and CRLF; header bytes are ISO-8859-1, so one char is one byte. */
    private static long headerBytes(HttpServerRequest request) {
        long total = 0;
        for (var header : request.headers()) {
            total += header.getKey().length() + 2L + header.getValue().length() + 2L;
        }
        return total;
    }

    /** The path for a problem's {@code instance}, cut short: an oversized request is not echoed back whole. */
    private static String shortPath(HttpServerRequest request) {
        String path = request.path();
        return path == null || path.length() <= MAX_INSTANCE_LENGTH ? path : path.substring(0, MAX_INSTANCE_LENGTH);
    }

    private static boolean declaresContent(String contentLength) {
        try {
            return contentLength != null && Long.parseLong(contentLength.trim()) > 0;
        } catch (NumberFormatException e) {
            return true; // refused as too large below in any case
        }
    }

    private boolean tooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static boolean isSwaggerUi(String path) {
        return path != null && (path.equals("/q/swagger-ui") || path.startsWith("/q/swagger-ui/"));
    }

    private void securityHeaders(HttpServerRequest request, HttpServerResponse response) {
        response.putHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
        response.putHeader("X-Content-Type-Options", "nosniff");
        response.putHeader("Referrer-Policy", "no-referrer");
        response.putHeader("X-Frame-Options", "DENY");
        // JSON needs no scripts, styles or frames; only the local Swagger UI is a page. The OpenAPI document
        // and everything else under /q/ is data like any answer.
        if (!(localMode && isSwaggerUi(request.path()))) {
            response.putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        }
    }
}
