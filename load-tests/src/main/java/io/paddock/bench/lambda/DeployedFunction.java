package io.paddock.bench.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
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
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One function.zip run the way AWS Lambda runs it: unzipped into a task root, a fresh JVM with the real AWS Lambda
 * runtime interface client, the task root and {@code lib/*} on its class path, the template's
 * {@code JAVA_TOOL_OPTIONS}, against a {@link LambdaRuntimeApi} on 127.0.0.1, fed API Gateway HTTP API (v2)
 * events. A function that exits, reports an init error or stays silent for {@link #WAIT_SECONDS} fails the wait
 * with its log. The cold-start harness and the deployed-artifact test both run functions through this.
 */
final class DeployedFunction implements AutoCloseable {

    /** The JVM options of template.yaml's Globals (JAVA_TOOL_OPTIONS), as Lambda passes them. */
    static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    /** Quarkus' own Lambda entry point (the Quarkus hello baseline's). */
    static final String QUARKUS_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    /** The functions' entry point, as template.yaml's Globals names it (Quarkus' plus SnapStart's priming at init). */
    static final String HANDLER = "io.paddock.shared.snapshot.LambdaEntryPoint::handleRequest";
    /** A hung function fails the wait after this long, with its log. */
    static final long WAIT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as API Gateway hands it over; {@code headers} in lower case, as HTTP API sends them. */
    record Request(String method, String path, Map<String, String> headers) {

        static Request get(String path) {
            return new Request("GET", path, Map.of());
        }

        Request withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name.toLowerCase(), value);
            return new Request(method, path, more);
        }
    }

    /** What the function answered: status, headers (names as sent) and the body, decoded if it was base64. */
    record Response(int status, Map<String, String> headers, String body, LambdaRuntimeApi.Answer answer) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse("");
        }
    }

    private final String name;
    private final Path task;
    private final String handler;
    private final Path log;
    private final LambdaRuntimeApi runtimeApi;
    private Process process;

    private DeployedFunction(String name, Path task, String handler, Path log, LambdaRuntimeApi runtimeApi) {
        this.name = name;
        this.task = task;
        this.handler = handler;
        this.log = log;
        this.runtimeApi = runtimeApi;
    }

    /** Its Runtime API is up; the JVM is not started yet, so events can wait for it as on Lambda. */
    static DeployedFunction prepare(Vertx vertx, String functionName, Path task, String handler, Path log)
            throws Exception {
        return new DeployedFunction(functionName, task, handler, log, LambdaRuntimeApi.start(vertx, functionName));
    }

    /**
     * Starts the JVM with {@code environment} (plus what Lambda sets itself); returns the {@link System#nanoTime()}
     * just before. {@code extraJvmOptions} is appended to the template's options (empty: none).
     */
    long start(Map<String, String> environment, String extraJvmOptions) throws IOException {
        List<String> classpath = new ArrayList<>(List.of(task.toString(), task.resolve("lib") + File.separator + "*"));
        classpath.addAll(runtimeClientJars());
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Lambda runs java21; newer JDKs need these for JBoss threads and the runtime client's JNI.
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, classpath),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler)
                .directory(task.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(environment);
        env.put("JAVA_TOOL_OPTIONS", extraJvmOptions.isBlank() ? JAVA_TOOL_OPTIONS
                : JAVA_TOOL_OPTIONS + " " + extraJvmOptions.strip());
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi.address());
        env.put("AWS_LAMBDA_FUNCTION_NAME", name);
        env.put("LAMBDA_TASK_ROOT", task.toString());
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        long started = System.nanoTime();
        process = builder.start();
        process.onExit().thenAccept(p -> runtimeApi.fail("the function's JVM exited with code " + p.exitValue()));
        return started;
    }

    /** Queues the request; the function takes it at its next {@code invocation/next}. */
    CompletableFuture<LambdaRuntimeApi.Answer> send(Request request) throws IOException {
        String requestId = UUID.randomUUID().toString();
        return runtimeApi.invoke(requestId, event(request, requestId));
    }

    /** Sends the request and waits for the answer, which must be a response, not an invocation error. */
    Response call(Request request) throws Exception {
        return response(await(send(request), "the answer to " + request.method() + " " + request.path()));
    }

    /** The instant ({@link System#nanoTime()}) the runtime first asked for an event: the end of init. */
    long initEnded() throws Exception {
        return await(runtimeApi.firstNext(), "its first request for an event (end of init)");
    }

    <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw failure("no " + what + " within " + WAIT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw failure("no " + what + ": " + e.getCause().getMessage());
        }
    }

    Response response(LambdaRuntimeApi.Answer answer) throws IOException {
        if (answer.error()) {
            throw failure("an invocation error: " + answer.body());
        }
        JsonNode response = JSON.readTree(answer.body());
        Map<String, String> headers = new LinkedHashMap<>();
        response.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        String body = response.path("body").asText("");
        if (response.path("isBase64Encoded").asBoolean(false)) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        return new Response(response.path("statusCode").asInt(-1), headers, body, answer);
    }

    /** VmRSS of the function's JVM, from /proc (Linux). */
    long residentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw failure("no VmRSS in /proc/" + process.pid() + "/status");
    }

    /** A failure that carries the function's log, to say what went wrong inside it. */
    IllegalStateException failure(String reason) {
        String output;
        try {
            output = Files.readString(log);
        } catch (IOException e) {
            output = "(log unreadable: " + e + ")";
        }
        return new IllegalStateException(name + " (" + task + ") failed: " + reason
                + "\n--- its log (" + log + ") ---\n" + output);
    }

    @Override
    public void close() throws Exception {
        try {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            runtimeApi.close();
        }
    }

    private static String event(Request request, String requestId) throws IOException {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("host", "api.example.com");
        headers.put("user-agent", "paddock-lambda-harness");
        headers.put("x-request-id", "harness-" + requestId);
        headers.putAll(request.headers());
        return JSON.writeValueAsString(Map.of(
                "version", "2.0",
                "routeKey", "$default",
                "rawPath", request.path(),
                "rawQueryString", "",
                "headers", headers,
                "requestContext", Map.of(
                        "accountId", "123456789012", "apiId", "api", "domainName", "api.example.com",
                        "requestId", requestId, "routeKey", "$default", "stage", "$default",
                        "timeEpoch", System.currentTimeMillis(),
                        "http", Map.of("method", request.method(), "path", request.path(), "protocol", "HTTP/1.1",
                                "sourceIp", "203.0.113.7", "userAgent", "paddock-lambda-harness")),
                "isBase64Encoded", false));
    }

    /** The runtime client and what it needs beyond a function's own lib/ (AWS provides these on Lambda). */
    static List<String> runtimeClientJars() {
        List<String> jars = new ArrayList<>();
        for (String type : List.of("com/amazonaws/services/lambda/runtime/api/client/AWSLambda.class",
                "com/amazonaws/services/lambda/runtime/serialization/PojoSerializer.class",
                "software/amazon/awssdk/utilslite/SdkInternalThreadLocal.class")) {
            URL url = DeployedFunction.class.getClassLoader().getResource(type);
            if (url == null || !"jar".equals(url.getProtocol())) {
                throw new IllegalStateException("not on the class path: " + type);
            }
            String file = url.getPath().substring(0, url.getPath().indexOf("!/"));
            jars.add(Path.of(URI.create(file)).toString());
        }
        return List.copyOf(jars);
    }

    /** Unzips a function.zip into a task root (refusing entries that would land outside it). */
    static void unzip(Path zip, Path target) throws IOException {
        try (ZipInputStream entries = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(entries, out);
                }
            }
        }
    }
}
