package io.paddock.shared.snapshot;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.paddock.shared.http.OriginLock;
import io.quarkus.amazon.lambda.http.LambdaHttpHandler;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Priming through the function's own Lambda entry point: each request becomes the API Gateway HTTP API (v2)
 * event API Gateway would send and is handed to Quarkus' {@link LambdaHttpHandler}, the handler every real
 * invocation goes through — so the event's decoding, the Vert.x router, the shared filters, the resource and
 * the response's encoding are all exercised. Only a function built with quarkus-amazon-lambda-http has that
 * handler ({@link #ifAvailable}); the all-routes local app has none, and is not snapshotted.
 */
final class LambdaHttpDispatch implements PrimingDispatch {

    private static final String HANDLER = "io.quarkus.amazon.lambda.http.LambdaHttpHandler";

    private final LambdaHttpHandler handler = new LambdaHttpHandler();
    private final Optional<String> originSecret;
    private final AtomicInteger sent = new AtomicInteger();

    private LambdaHttpDispatch(Optional<String> originSecret) {
        this.originSecret = originSecret;
    }

    /** A dispatch through the Lambda HTTP handler, when this application has one. */
    static Optional<PrimingDispatch> ifAvailable(OriginLock originLock) {
        try {
            Class.forName(HANDLER, false, LambdaHttpDispatch.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
        return Optional.of(new LambdaHttpDispatch(originLock.currentSecret()));
    }

    @Override
    public int send(PrimingRequest request) {
        int n = sent.incrementAndGet();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", "priming.paddock.invalid");
        headers.put("x-forwarded-for", Priming.FORWARDED_FOR);
        headers.put("x-request-id", "snapstart-priming-" + n);
        headers.put("user-agent", "paddock-snapstart-priming");
        headers.put("accept", "application/json");
        originSecret.ifPresent(secret -> headers.put(OriginLock.HEADER.toLowerCase(java.util.Locale.ROOT), secret));
        request.body().ifPresent(body -> headers.put("content-type", "application/json"));
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(request.rawPath())
                .withRawQueryString(request.rawQuery())
                .withHeaders(headers)
                .withBody(request.body().orElse(null))
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("snapstart-priming-" + n)
                        .withRouteKey("$default")
                        .withStage("$default")
                        .withTimeEpoch(Instant.now().toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(request.method())
                                .withPath(request.rawPath())
                                .withProtocol("HTTP/1.1")
                                .withSourceIp(Priming.SOURCE_ADDRESS)
                                .withUserAgent("paddock-snapstart-priming")
                                .build())
                        .build())
                .build();
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        return response.getStatusCode();
    }
}
