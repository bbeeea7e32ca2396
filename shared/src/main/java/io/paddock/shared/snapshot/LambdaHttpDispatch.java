package io.paddock.shared.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paddock.shared.http.OriginLock;
import io.quarkus.amazon.lambda.http.LambdaHttpHandler;
import io.quarkus.amazon.lambda.runtime.AmazonLambdaRecorder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Priming through the function's own Lambda entry point: each request becomes the JSON of the API Gateway HTTP
 * API (v2) event API Gateway would send and is handed to what Quarkus' stream handler calls for every real
 * invocation ({@link AmazonLambdaRecorder#handle}) — so the event's JSON decoding, {@link LambdaHttpHandler},
 * the Vert.x router, the shared filters, the resource and the answer's JSON encoding are all exercised (the
 * decoder and encoder build themselves on first use, which would otherwise be the first user's). Only a function built with quarkus-amazon-lambda-http has that
 * handler ({@link #ifAvailable}); the all-routes local app has none, and is not snapshotted.
 */
final class LambdaHttpDispatch implements PrimingDispatch {

    private static final String HANDLER = "io.quarkus.amazon.lambda.http.LambdaHttpHandler";

    /** Writes the events and reads the answers; the function's own reader and writer stay Quarkus'. */
    private static final ObjectMapper JSON = new ObjectMapper();

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
    public int send(PrimingRequest request, Optional<String> bearerToken) throws IOException {
        int n = sent.incrementAndGet();
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0").put("routeKey", "$default")
                .put("rawPath", request.rawPath()).put("rawQueryString", request.rawQuery());
        ObjectNode headers = event.putObject("headers");
        headers.put("host", "priming.paddock.invalid");
        headers.put("x-forwarded-for", Priming.FORWARDED_FOR);
        headers.put("x-request-id", "snapstart-priming-" + n);
        headers.put("user-agent", "paddock-snapstart-priming");
        headers.put("accept", "application/json");
        originSecret.ifPresent(secret -> headers.put(OriginLock.HEADER.toLowerCase(Locale.ROOT), secret));
        request.body().ifPresent(body -> headers.put("content-type", "application/json"));
        bearerToken.ifPresent(token -> headers.put("authorization", "Bearer " + token));
        ObjectNode context = event.putObject("requestContext");
        context.put("requestId", "snapstart-priming-" + n).put("routeKey", "$default").put("stage", "$default")
                .put("timeEpoch", Instant.now().toEpochMilli());
        context.putObject("http").put("method", request.method()).put("path", request.rawPath())
                .put("protocol", "HTTP/1.1").put("sourceIp", Priming.SOURCE_ADDRESS)
                .put("userAgent", "paddock-snapstart-priming");
        request.body().ifPresent(body -> event.put("body", body));
        event.put("isBase64Encoded", false);

        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        AmazonLambdaRecorder.handle(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), answer, null);
        JsonNode status = JSON.readTree(answer.toByteArray()).path("statusCode");
        if (!status.isInt()) {
            throw new IOException("the handler's answer has no statusCode");
        }
        return status.intValue();
    }
}
