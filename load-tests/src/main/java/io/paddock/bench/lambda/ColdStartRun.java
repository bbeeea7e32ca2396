package io.paddock.bench.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One cold start: a fresh JVM running the AWS Lambda runtime interface client on an unzipped function.zip,
 * its first invocation, then {@code warm} more of the same request, then its resident memory. Every answer is
 * checked; a wrong or missing one fails the run with the function's log.
 */
final class ColdStartRun {

    /** One run's figures; times in nanoseconds. */
    record Measurement(String subject, long initNanos, long firstAnswerNanos, long firstInvocationNanos,
            List<Long> warmNanos, long rssKiB) {
    }

    /** The JVM options of template.yaml's Globals (JAVA_TOOL_OPTIONS), as Lambda passes them. */
    static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    /** A hung function fails the run after this long, with its log. */
    private static final long WAIT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Subject subject;
    private final Path task;
    private final List<String> runtimeClientJars;
    private final Map<String, String> environment;
    private final Supplier<String> bearerToken;
    private final Path log;

    ColdStartRun(Subject subject, Path task, List<String> runtimeClientJars, Map<String, String> environment,
            Supplier<String> bearerToken, Path log) {
        this.subject = subject;
        this.task = task;
        this.runtimeClientJars = runtimeClientJars;
        this.environment = environment;
        this.bearerToken = bearerToken;
        this.log = log;
    }

    Measurement measure(Vertx vertx, int warm) throws Exception {
        String token = subject.signedIn() ? bearerToken.get() : null;
        Process function = null;
        try (LambdaRuntimeApi runtimeApi = LambdaRuntimeApi.start(vertx, subject.functionName())) {
            // On Lambda the event that causes a cold start is waiting before the JVM exists.
            CompletableFuture<LambdaRuntimeApi.Answer> first = runtimeApi.invoke(UUID.randomUUID().toString(),
                    event(token));
            long started = System.nanoTime();
            function = start(runtimeApi.address());
            function.onExit().thenAccept(p -> runtimeApi.fail("the function's JVM exited with code " + p.exitValue()));

            long initEnded = await(runtimeApi.firstNext(), "its first request for an event (end of init)");
            LambdaRuntimeApi.Answer firstAnswer = await(first, "the answer to the first invocation");
            check(firstAnswer, "first invocation");

            List<Long> warmNanos = new ArrayList<>(warm);
            for (int i = 0; i < warm; i++) {
                LambdaRuntimeApi.Answer answer = await(runtimeApi.invoke(UUID.randomUUID().toString(), event(token)),
                        "the answer to warm invocation " + (i + 1));
                check(answer, "warm invocation " + (i + 1));
                warmNanos.add(answer.durationNanos());
            }
            long rss = residentKiB(function.pid());
            return new Measurement(subject.name(), initEnded - started, firstAnswer.answeredNanos() - started,
                    firstAnswer.durationNanos(), warmNanos, rss);
        } finally {
            if (function != null) {
                function.destroy();
                if (!function.waitFor(10, TimeUnit.SECONDS)) {
                    function.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private Process start(String runtimeApi) throws IOException {
        List<String> classpath = new ArrayList<>(List.of(task.toString(), task.resolve("lib") + File.separator + "*"));
        classpath.addAll(runtimeClientJars);
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Lambda runs java21; newer JDKs need these for JBoss threads and the runtime client's JNI.
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, classpath),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", subject.handler())
                .directory(task.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(environment);
        // PADDOCK_COLD_START_JVM_OPTIONS: more options for one experiment (-Xlog:class+load, a GC, ...).
        String extra = System.getenv().getOrDefault("PADDOCK_COLD_START_JVM_OPTIONS", "").strip();
        env.put("JAVA_TOOL_OPTIONS", extra.isEmpty() ? JAVA_TOOL_OPTIONS : JAVA_TOOL_OPTIONS + " " + extra);
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("AWS_LAMBDA_FUNCTION_NAME", subject.functionName());
        env.put("LAMBDA_TASK_ROOT", task.toString());
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    /** An API Gateway HTTP API (v2) event of the subject's request. */
    private String event(String token) throws IOException {
        String requestId = UUID.randomUUID().toString();
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("host", "api.example.com");
        headers.put("user-agent", "paddock-cold-start");
        headers.put("x-request-id", "cold-" + requestId);
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        return JSON.writeValueAsString(Map.of(
                "version", "2.0",
                "routeKey", "$default",
                "rawPath", subject.path(),
                "rawQueryString", "",
                "headers", headers,
                "requestContext", Map.of(
                        "accountId", "123456789012", "apiId", "api", "domainName", "api.example.com",
                        "requestId", requestId, "routeKey", "$default", "stage", "$default",
                        "timeEpoch", System.currentTimeMillis(),
                        "http", Map.of("method", subject.method(), "path", subject.path(), "protocol", "HTTP/1.1",
                                "sourceIp", "203.0.113.7", "userAgent", "paddock-cold-start")),
                "isBase64Encoded", false));
    }

    private void check(LambdaRuntimeApi.Answer answer, String which) throws IOException {
        if (answer.error()) {
            throw failure(which + " ended in an invocation error: " + answer.body());
        }
        JsonNode response = JSON.readTree(answer.body());
        int status = response.path("statusCode").asInt(-1);
        String body = response.path("body").asText("");
        if (response.path("isBase64Encoded").asBoolean(false)) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        if (status != 200) {
            throw failure(which + ": status " + status + " instead of 200 for " + subject.method() + " "
                    + subject.path() + ": " + answer.body());
        }
        JsonNode value = JSON.readTree(body).at(subject.checkPointer());
        boolean right = subject.expected() == null ? !value.isMissingNode() && !value.isNull()
                : subject.expected().equals(value.asText());
        if (!right) {
            throw failure(which + ": " + subject.checkPointer() + " is " + value + ", expected "
                    + (subject.expected() == null ? "a value" : subject.expected()) + "; body: " + body);
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw failure("no " + what + " within " + WAIT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw failure("no " + what + ": " + e.getCause().getMessage());
        }
    }

    private IllegalStateException failure(String reason) {
        String output;
        try {
            output = Files.readString(log);
        } catch (IOException e) {
            output = "(log unreadable: " + e + ")";
        }
        return new IllegalStateException("cold start of " + subject.name() + " (" + subject.zip() + ") failed: "
                + reason + "\n--- its log (" + log + ") ---\n" + output);
    }

    /** VmRSS of a live process, from /proc (Linux). */
    private long residentKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw failure("no VmRSS in /proc/" + pid + "/status");
    }
}
