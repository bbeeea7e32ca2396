package io.paddock.bench.lambda;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (2018-06-01) for one function instance on 127.0.0.1, noting the instants the
 * cold-start figures are made of: the runtime's first {@code GET …/invocation/next} (Lambda's init phase ends
 * there), when each event was handed out and when its answer came back.
 */
final class LambdaRuntimeApi implements AutoCloseable {

    /** What the function posted for one event; the instants are {@link System#nanoTime()}. */
    record Answer(String body, boolean error, long handedOutNanos, long answeredNanos) {

        long durationNanos() {
            return answeredNanos - handedOutNanos;
        }
    }

    private static final class Pending {
        final String requestId;
        final String event;
        final CompletableFuture<Answer> answer = new CompletableFuture<>();
        volatile long handedOutNanos;

        Pending(String requestId, String event) {
            this.requestId = requestId;
            this.event = event;
        }
    }

    /** Put in the queue at close so that a worker thread waiting for the next event returns at once. */
    private static final Pending CLOSED = new Pending("", "");

    private final Vertx vertx;
    private final String functionArn;
    private final BlockingQueue<Pending> events = new LinkedBlockingQueue<>();
    private final Map<String, Pending> handedOut = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> firstNext = new CompletableFuture<>();
    private HttpServer server;

    private LambdaRuntimeApi(Vertx vertx, String functionName) {
        this.vertx = vertx;
        this.functionArn = "arn:aws:lambda:us-east-1:123456789012:function:" + functionName;
    }

    static LambdaRuntimeApi start(Vertx vertx, String functionName) throws Exception {
        LambdaRuntimeApi api = new LambdaRuntimeApi(vertx, functionName);
        // Vert.x, not the JDK server: the runtime client's native code looks headers up case-sensitively and
        // the JDK server rewrites their case (Lambda-runtime-aws-request-id), which crashes it.
        api.server = vertx.createHttpServer().requestHandler(api::serve)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return api;
    }

    /** host:port, for AWS_LAMBDA_RUNTIME_API. */
    String address() {
        return "127.0.0.1:" + server.actualPort();
    }

    /** Completes with the instant of the runtime's first request for an event: the end of init. */
    CompletableFuture<Long> firstNext() {
        return firstNext;
    }

    /** Queues an event; the function takes it at its next {@code invocation/next}. */
    CompletableFuture<Answer> invoke(String requestId, String event) {
        Pending pending = new Pending(requestId, event);
        events.add(pending);
        return pending.answer;
    }

    /** The function cannot answer any more (it exited, or failed its init): every wait ends with why. */
    void fail(String reason) {
        IllegalStateException failure = new IllegalStateException(reason);
        firstNext.completeExceptionally(failure);
        handedOut.values().forEach(p -> p.answer.completeExceptionally(failure));
        events.forEach(p -> p.answer.completeExceptionally(failure));
    }

    private void serve(HttpServerRequest request) {
        String path = request.path();
        if (path.endsWith("/invocation/next")) {
            firstNext.complete(System.nanoTime());
            vertx.executeBlocking(() -> events.poll(120, TimeUnit.SECONDS), false).onComplete(next -> {
                Pending pending = next.result();
                if (pending == null || pending == CLOSED) {
                    request.response().setStatusCode(500).end();
                    return;
                }
                handedOut.put(pending.requestId, pending);
                pending.handedOutNanos = System.nanoTime();
                request.response()
                        .putHeader("Lambda-Runtime-Aws-Request-Id", pending.requestId)
                        .putHeader("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 15_000))
                        .putHeader("Lambda-Runtime-Invoked-Function-Arn", functionArn)
                        .putHeader("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                        .putHeader("Content-Type", "application/json")
                        .end(pending.event);
            });
        } else if (path.contains("/invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
            long answered = System.nanoTime();
            String requestId = path.split("/")[4];
            request.body().onSuccess(body -> {
                Pending pending = handedOut.remove(requestId);
                if (pending != null) {
                    pending.answer.complete(new Answer(body.toString(), path.endsWith("/error"),
                            pending.handedOutNanos, answered));
                }
                request.response().setStatusCode(202).end();
            });
        } else if (path.endsWith("/init/error")) {
            request.body().onSuccess(body -> {
                fail("the function reported an init error: " + body);
                request.response().setStatusCode(202).end();
            });
        } else {
            request.response().setStatusCode(404).end();
        }
    }

    @Override
    public void close() throws Exception {
        events.add(CLOSED);
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
