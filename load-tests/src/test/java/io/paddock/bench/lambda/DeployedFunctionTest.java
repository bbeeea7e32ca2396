package io.paddock.bench.lambda;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.embedded.EmbeddedStores;
import io.paddock.shared.auth.SigningKeys;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The artifact `sam deploy` ships, run the way AWS runs it: functions/ratelimit/target/function.zip unzipped,
 * started by the real AWS Lambda Java runtime interface client against a Lambda Runtime API on 127.0.0.1, fed API
 * Gateway HTTP API (v2) events, on the embedded stores ({@link DeployedFunction}, as the cold-start harness runs
 * every function). This is the proof that the zip, its handler and its configuration work outside Quarkus' test
 * harness: every store answers its health probe and a problem is a problem.
 */
class DeployedFunctionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedStores stores;
    private static Vertx vertx;
    private static DeployedFunction function;
    private static Path log;
    private static long startedNanos;

    @BeforeAll
    static void startFunction() throws Exception {
        Path zip = ColdStart.repositoryRoot().resolve("functions/ratelimit/target/function.zip");
        assertTrue(Files.exists(zip), "build the function first: " + zip);
        Path task = Files.createTempDirectory("paddock-lambda-task");
        DeployedFunction.unzip(zip, task);
        stores = EmbeddedStores.start(EmbeddedStores.Options.ephemeral());
        vertx = Vertx.vertx();
        log = Files.createTempFile("paddock-lambda", ".log");
        function = DeployedFunction.prepare(vertx, "paddock-ratelimit", task, DeployedFunction.HANDLER, log);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_REGION", "us-east-1");
        env.put("PADDOCK_ENV", "dev");
        env.put("PADDOCK_AUTH_VERIFICATION_KEYS", SigningKeys.generateJwks());
        // The switch the cold-start harness uses to measure SnapStart priming, proven on the real runtime client.
        env.put("PADDOCK_SNAPSHOT_PRIME_AT_INIT", "true");
        env.putAll(stores.environment());
        startedNanos = function.start(env, "");
    }

    @AfterAll
    static void stopFunction() throws Exception {
        if (function != null) {
            function.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void theZipServesHealthAndProblemsThroughTheLambdaRuntime() throws Exception {
        DeployedFunction.Response health = function.call(DeployedFunction.Request.get("/v1/health"));
        long coldMs = (System.nanoTime() - startedNanos) / 1_000_000;
        System.out.println("DeployedFunctionTest: process start → first response " + coldMs
                + " ms (cold start, JVM on this machine, no SnapStart; init includes priming)");
        // Each probe has a fixed 1 s budget; on a loaded machine a cold JVM's first PostgreSQL sign-in can take
        // longer. What this test proves is the zip and the runtime, so a "degraded" first answer is asked again
        // until healthy (and said).
        if (health.status() != 200) {
            System.out.println("DeployedFunctionTest: health degraded on a cold JVM, asking again: " + health.body());
        }
        AtomicReference<DeployedFunction.Response> answer = new AtomicReference<>(health);
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    if (answer.get().status() != 200) {
                        answer.set(function.call(DeployedFunction.Request.get("/v1/health")));
                    }
                    assertEquals(200, answer.get().status(), answer.get().body());
                });
        health = answer.get();
        JsonNode body = JSON.readTree(health.body());
        assertEquals("ok", body.get("status").asText());
        assertEquals("up", body.at("/checks/postgres/status").asText());
        assertEquals("up", body.at("/checks/redis/status").asText());
        assertEquals("up", body.at("/checks/dynamodb/status").asText());
        assertEquals("no-store", health.header("Cache-Control"));

        DeployedFunction.Response missing = function.call(DeployedFunction.Request.get("/v1/nope"));
        assertEquals(404, missing.status(), missing.body());
        assertTrue(missing.header("Content-Type").startsWith("application/problem+json"));
        assertTrue(missing.body().contains("\"requestId\""));
    }

    @Test
    void theEntryPointPrimesAtTheEndOfInitWhenAsked() throws Exception {
        function.call(DeployedFunction.Request.get("/v1/health")); // answered only once init, priming included, is over
        String output = Files.readString(log);
        String priming = output.lines().filter(line -> line.contains("SnapStart priming"))
                .findFirst().orElseThrow(() -> new AssertionError("no priming at init; the function's log:\n" + output));
        System.out.println("DeployedFunctionTest: " + priming);
        // The ratelimit function's seven requests (RateLimitPriming, the audit read among them), each sent through
        // the Lambda HTTP handler.
        assertTrue(priming.contains("7 priming requests") && priming.contains("all answered as expected"), priming);
        assertEquals(7, output.lines().filter(line -> line.contains("snapstart-priming-")
                && line.contains("io.paddock.access")).count(), "one access-log line per priming request");
    }
}
