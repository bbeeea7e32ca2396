package io.paddock.bench.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold-start harness in its short mode (one round, a few warm invocations), so that `./mvnw verify` keeps
 * it working: every subject starts in the real Lambda runtime client and answers its request correctly (the
 * harness checks each answer and fails the run otherwise). The figures are printed, never asserted.
 */
class ColdStartHarnessTest {

    private static final Path PLAIN_HANDLER_ZIP = ColdStart.repositoryRoot()
            .resolve("load-tests/lambda/plain-handler/target/function.zip");

    @Test
    void everyFunctionZipAndEveryBaselineAnswerCorrectlyFromAColdStart() throws Exception {
        Map<String, List<ColdStartRun.Measurement>> runs = ColdStart.run(new ColdStart.Options(1, 5, Optional.empty()),
                System.out);

        assertEquals(List.of("plain handler", "Quarkus hello", "Quarkus + stores", "auth", "feed", "ratelimit", "telemetry"),
                List.copyOf(runs.keySet()));
        runs.forEach((subject, measured) -> {
            assertEquals(1, measured.size(), subject);
            assertEquals(5, measured.get(0).warmNanos().size(), subject + ": every warm invocation answered");
        });
    }

    @Test
    void anAnswerWithoutTheExpectedBodyFailsTheRunAndShowsTheFunctionsLog(@TempDir Path scratch) throws Exception {
        Subject expectingSomethingElse = new Subject("plain handler", PLAIN_HANDLER_ZIP,
                "io.paddock.bench.lambda.plain.PlainHandler::handleRequest", "GET", "/hello", false, "/hello", "bonjour");

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> coldStart(expectingSomethingElse, scratch));

        assertTrue(failure.getMessage().contains("/hello is \"plain\", expected bonjour"), failure.getMessage());
        assertTrue(failure.getMessage().contains("--- its log"), failure.getMessage());
    }

    @Test
    void aFunctionThatCannotInitialiseFailsTheRunInsteadOfWaiting(@TempDir Path scratch) throws Exception {
        Subject missingHandler = new Subject("plain handler", PLAIN_HANDLER_ZIP,
                "io.paddock.bench.lambda.plain.NoSuchHandler::handleRequest", "GET", "/hello", false, "/hello", "plain");

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> coldStart(missingHandler, scratch));

        assertTrue(failure.getMessage().contains("NoSuchHandler"), failure.getMessage());
    }

    private static void coldStart(Subject subject, Path scratch) throws Exception {
        Path task = scratch.resolve("task");
        DeployedFunction.unzip(subject.zip(), task);
        Vertx vertx = Vertx.vertx();
        try {
            new ColdStartRun(subject, task, Map.of("AWS_REGION", "us-east-1"),
                    () -> "", Files.createTempFile(scratch, "function", ".log")).measure(vertx, 1);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
