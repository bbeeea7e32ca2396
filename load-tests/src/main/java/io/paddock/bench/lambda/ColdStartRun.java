package io.paddock.bench.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One cold start: a fresh JVM running the AWS Lambda runtime interface client on an unzipped function.zip
 * ({@link DeployedFunction}), its first invocation, then {@code warm} more of the same request, then its resident
 * memory. Every answer is checked; a wrong or missing one fails the run with the function's log.
 */
final class ColdStartRun {

    /** One run's figures; times in nanoseconds. */
    record Measurement(String subject, long initNanos, long firstAnswerNanos, long firstInvocationNanos,
            List<Long> warmNanos, long rssKiB) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Subject subject;
    private final Path task;
    private final Map<String, String> environment;
    private final Supplier<String> bearerToken;
    private final Path log;

    ColdStartRun(Subject subject, Path task, Map<String, String> environment, Supplier<String> bearerToken, Path log) {
        this.subject = subject;
        this.task = task;
        this.environment = environment;
        this.bearerToken = bearerToken;
        this.log = log;
    }

    Measurement measure(Vertx vertx, int warm) throws Exception {
        DeployedFunction.Request request = new DeployedFunction.Request(subject.method(), subject.path(), Map.of());
        if (subject.signedIn()) {
            request = request.withHeader("authorization", "Bearer " + bearerToken.get());
        }
        try (DeployedFunction function = DeployedFunction.prepare(vertx, subject.functionName(), task,
                subject.handler(), log)) {
            // On Lambda the event that causes a cold start is waiting before the JVM exists.
            CompletableFuture<LambdaRuntimeApi.Answer> first = function.send(request);
            // PADDOCK_COLD_START_JVM_OPTIONS: more options for one experiment (-Xlog:class+load, a GC, ...).
            long started = function.start(environment, System.getenv().getOrDefault("PADDOCK_COLD_START_JVM_OPTIONS", ""));

            long initEnded = function.initEnded();
            LambdaRuntimeApi.Answer firstAnswer = function.await(first, "the answer to the first invocation");
            check(function, firstAnswer, "first invocation");

            List<Long> warmNanos = new ArrayList<>(warm);
            for (int i = 0; i < warm; i++) {
                LambdaRuntimeApi.Answer answer = function.await(function.send(request),
                        "the answer to warm invocation " + (i + 1));
                check(function, answer, "warm invocation " + (i + 1));
                warmNanos.add(answer.durationNanos());
            }
            return new Measurement(subject.name(), initEnded - started, firstAnswer.answeredNanos() - started,
                    firstAnswer.durationNanos(), warmNanos, function.residentKiB());
        }
    }

    private void check(DeployedFunction function, LambdaRuntimeApi.Answer answer, String which) throws IOException {
        DeployedFunction.Response response = function.response(answer);
        if (response.status() != 200) {
            throw function.failure("cold start of " + subject.name() + ": " + which + ": status " + response.status()
                    + " instead of 200 for " + subject.method() + " " + subject.path() + ": " + answer.body());
        }
        JsonNode value = JSON.readTree(response.body()).at(subject.checkPointer());
        boolean right = subject.expected() == null ? !value.isMissingNode() && !value.isNull()
                : subject.expected().equals(value.asText());
        if (!right) {
            throw function.failure("cold start of " + subject.name() + ": " + which + ": " + subject.checkPointer()
                    + " is " + value + ", expected " + (subject.expected() == null ? "a value" : subject.expected())
                    + "; body: " + response.body());
        }
    }
}
