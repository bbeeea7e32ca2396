package io.paddock.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.SigningKeys;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The artifact `sam deploy` ships, run the way AWS runs it: functions/ratelimit/target/function.zip
 * unzipped, started by the real AWS Lambda Java runtime interface client against a Lambda Runtime API
 * served here on 127.0.0.1, fed API Gateway HTTP API (v2) events, on the embedded stores. This is the
 * proof that the zip, its handler and its configuration work outside Quarkus' test harness.
 */
class DeployedFunctionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HANDLER = "io.paddock.shared.snapshot.LambdaEntryPoint::handleRequest";

    private static Vertx vertx;
    private static HttpServer runtimeApi;
    private static Process function;
    private static Path logFile;
    private static final BlockingQueue<String> EVENTS = new LinkedBlockingQueue<>();
    private static final Map<String, BlockingQueue<String>> RESPONSES = new ConcurrentHashMap<>();
    private static long startedNanos;

    @BeforeAll
    static void startFunction() throws Exception {
        Path zip = LocalApiTest.repoRoot().resolve("functions/ratelimit/target/function.zip");
        assertTrue(Files.exists(zip), "build the function first: " + zip);
        Path task = Files.createTempDirectory("paddock-lambda-task");
        unzip(zip, task);

        // Vert.x, not the JDK server: the runtime client's native code looks headers up case-sensitively
        // and the JDK server rewrites their case (Lambda-runtime-aws-request-id), which crashes it.
        vertx = Vertx.vertx();
        runtimeApi = vertx.createHttpServer().requestHandler(DeployedFunctionTest::runtime)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        EmbeddedStores stores = PaddockStoresTestResource.stores();
        List<String> classpath = new ArrayList<>(List.of(task.toString(), task.resolve("lib").toString() + File.separator + "*"));
        // The runtime client and what it needs beyond the function's own lib/ (AWS provides these).
        for (String type : List.of("com/amazonaws/services/lambda/runtime/api/client/AWSLambda.class",
                "com/amazonaws/services/lambda/runtime/serialization/PojoSerializer.class",
                "software/amazon/awssdk/utilslite/SdkInternalThreadLocal.class")) {
            classpath.add(jarOf(type));
        }
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                // Lambda runs java21; newer JDKs here need these for JBoss threads and the client's JNI.
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, classpath),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", HANDLER)
                .directory(task.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.actualPort());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "paddock-ratelimit");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_REGION", "us-east-1");
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("PADDOCK_ENV", "dev");
        env.put("PADDOCK_AUTH_VERIFICATION_KEYS", SigningKeys.generateJwks());
        // The switch a cold-start harness uses to measure SnapStart priming, proven on the real runtime client.
        env.put("PADDOCK_SNAPSHOT_PRIME_AT_INIT", "true");
        env.putAll(stores.environment());
        logFile = Files.createTempFile("paddock-lambda", ".log");
        builder.redirectErrorStream(true).redirectOutput(logFile.toFile());
        startedNanos = System.nanoTime();
        function = builder.start();
    }

    @AfterAll
    static void stopFunction() throws Exception {
        if (function != null) {
            function.destroy();
            if (!function.waitFor(10, TimeUnit.SECONDS)) {
                function.destroyForcibly();
            }
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theZipServesHealthAndProblemsThroughTheLambdaRuntime() throws Exception {
        JsonNode health = invoke("GET", "/v1/health");
        long coldMs = (System.nanoTime() - startedNanos) / 1_000_000;
        System.out.println("DeployedFunctionTest: process start → first response " + coldMs
                + " ms (cold start, JVM on this machine, no SnapStart; init includes priming)");
        // Each probe has a fixed 1 s budget; on a loaded machine a cold JVM's first PostgreSQL sign-in can take
        // longer. What this test proves is the zip and the runtime, so a "degraded" first answer is asked again
        // until healthy (and said).
        if (health.get("statusCode").asInt() != 200) {
            System.out.println("DeployedFunctionTest: health degraded on a cold JVM, asking again: " + health.get("body").asText());
        }
        AtomicReference<JsonNode> answer = new AtomicReference<>(health);
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    if (answer.get().get("statusCode").asInt() != 200) {
                        answer.set(invoke("GET", "/v1/health"));
                    }
                    assertEquals(200, answer.get().get("statusCode").asInt(), answer.get().toString());
                });
        health = answer.get();
        JsonNode body = JSON.readTree(health.get("body").asText());
        assertEquals("ok", body.get("status").asText());
        assertEquals("up", body.at("/checks/postgres/status").asText());
        assertEquals("up", body.at("/checks/redis/status").asText());
        assertEquals("up", body.at("/checks/dynamodb/status").asText());
        assertEquals("no-store", header(health, "Cache-Control"));

        JsonNode missing = invoke("GET", "/v1/nope");
        assertEquals(404, missing.get("statusCode").asInt(), missing.toString());
        assertTrue(header(missing, "Content-Type").startsWith("application/problem+json"));
        assertTrue(missing.get("body").asText().contains("\"requestId\""));
    }

    @Test
    void theEntryPointPrimesAtTheEndOfInitWhenAsked() throws Exception {
        invoke("GET", "/v1/health"); // answered only once init, priming included, is over
        String log = Files.readString(logFile);
        String priming = log.lines().filter(line -> line.contains("SnapStart priming"))
                .findFirst().orElseThrow(() -> new AssertionError("no priming at init; the function's log:\n" + log));
        System.out.println("DeployedFunctionTest: " + priming);
        // The ratelimit function's four requests (RateLimitPriming), each sent through the Lambda HTTP handler.
        assertTrue(priming.contains("4 priming requests"), priming);
        assertEquals(4, log.lines().filter(line -> line.contains("snapstart-priming-")
                && line.contains("io.paddock.access")).count(), "one access-log line per priming request");
    }

    private static String header(JsonNode response, String name) {
        for (Map.Entry<String, JsonNode> field : response.get("headers").properties()) {
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue().asText();
            }
        }
        return "";
    }

    private static JsonNode invoke(String method, String path) throws Exception {
        String requestId = UUID.randomUUID().toString();
        RESPONSES.put(requestId, new LinkedBlockingQueue<>());
        Map<String, Object> event = Map.of(
                "version", "2.0",
                "routeKey", "$default",
                "rawPath", path,
                "rawQueryString", "",
                "headers", Map.of("host", "api.example.com", "user-agent", "DeployedFunctionTest",
                        "x-request-id", "deployed-" + requestId),
                "requestContext", Map.of(
                        "accountId", "123456789012", "apiId", "api", "domainName", "api.example.com",
                        "requestId", requestId, "routeKey", "$default", "stage", "$default",
                        "timeEpoch", System.currentTimeMillis(),
                        "http", Map.of("method", method, "path", path, "protocol", "HTTP/1.1",
                                "sourceIp", "203.0.113.7", "userAgent", "DeployedFunctionTest")),
                "isBase64Encoded", false);
        EVENTS.put(requestId + "\n" + JSON.writeValueAsString(event));
        String response = RESPONSES.get(requestId).poll(90, TimeUnit.SECONDS);
        if (response == null) {
            throw new AssertionError("no response from the function; its log:\n" + Files.readString(logFile));
        }
        return JSON.readTree(response);
    }

    /** The Lambda Runtime API (2018-06-01) as far as one function instance uses it. */
    private static void runtime(HttpServerRequest request) {
        String path = request.path();
        if (path.endsWith("/invocation/next")) {
            vertx.executeBlocking(() -> EVENTS.poll(120, TimeUnit.SECONDS)).onComplete(next -> {
                String queued = next.result();
                if (queued == null) {
                    request.response().setStatusCode(500).end();
                    return;
                }
                String[] parts = queued.split("\n", 2);
                request.response()
                        .putHeader("Lambda-Runtime-Aws-Request-Id", parts[0])
                        .putHeader("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 15_000))
                        .putHeader("Lambda-Runtime-Invoked-Function-Arn",
                                "arn:aws:lambda:us-east-1:123456789012:function:paddock-ratelimit")
                        .putHeader("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                        .putHeader("Content-Type", "application/json")
                        .end(parts[1]);
            });
        } else if (path.contains("/invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
            String requestId = path.split("/")[4];
            request.body().onSuccess(body -> {
                BlockingQueue<String> queue = RESPONSES.get(requestId);
                if (queue != null) {
                    queue.add(path.endsWith("/error") ? "{\"statusCode\":-1,\"error\":" + quote(body.toString()) + "}"
                            : body.toString());
                }
                request.response().setStatusCode(202).end();
            });
        } else if (path.endsWith("/init/error")) {
            request.body().onSuccess(body -> {
                System.err.println("DeployedFunctionTest: init error reported by the function: " + body);
                request.response().setStatusCode(202).end();
            });
        } else {
            request.response().setStatusCode(404).end();
        }
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            return "\"\"";
        }
    }

    private static String jarOf(String classFile) throws IOException {
        URL url = DeployedFunctionTest.class.getClassLoader().getResource(classFile);
        if (url == null || !"jar".equals(url.getProtocol())) {
            throw new IllegalStateException("not on the test classpath: " + classFile);
        }
        String file = url.getPath().substring("file:".length(), url.getPath().indexOf("!/"));
        return Path.of(java.net.URI.create("file:" + file)).toString();
    }

    private static void unzip(Path zip, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
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
