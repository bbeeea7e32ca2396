package io.paddock.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A translated template deployed to a {@link MotoServer} by moto_deploy.py: the code zips it names uploaded
 * to {@value SamTranslation#CODE_BUCKET}, the stack created, and a {@link Report} of what moto made of it.
 * What moto cannot do (custom resources, references to types it skips) is worked around there, and
 * reported: see that script's docstring.
 */
final class MotoDeploy {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** For the stack to leave CREATE_IN_PROGRESS; moto creates synchronously, so this is a guard only. */
    static final Duration STACK_DEADLINE = Duration.ofSeconds(120);

    /** Uploading ~150 MB of zips into moto takes a few seconds; the rest is the stack deadline. */
    private static final Duration SCRIPT_TIMEOUT = STACK_DEADLINE.plusSeconds(60);

    private MotoDeploy() {
    }

    record Report(String stackStatus, String stackStatusReason, double seconds, List<String> uploaded,
                  Map<String, TemplateResource> templateResources, List<String> falseConditions,
                  List<Change> removed, List<Change> rewritten, List<Change> patched,
                  List<StackResource> resources, List<FailedEvent> failedEvents, Map<String, String> outputs) {
    }

    /** A resource of the template as translated, before any change for moto. */
    record TemplateResource(String type, String condition) {
    }

    /** A resource removed, a resource whose references were rewritten, or a resource patched, and why or how. */
    record Change(String logicalId, String type, String why, String how) {
    }

    /** A resource of the created stack, as moto lists it. */
    record StackResource(String logicalId, String type, String physicalId, String status) {
    }

    record FailedEvent(String logicalId, String status, String reason) {
    }

    /**
     * Deploys the template; the code keys in it are looked up under {@code artifactRoot} (the repository
     * root for template.yaml). Fails with the script's error and the end of moto_server's log.
     */
    static Report deploy(MotoServer moto, JsonNode translatedTemplate, Map<String, ?> parameterValues, Path artifactRoot,
                         Path workDirectory) {
        try {
            Path template = workDirectory.resolve("translated.json");
            Path parameters = workDirectory.resolve("parameters.json");
            JSON.writeValue(template.toFile(), translatedTemplate);
            JSON.writeValue(parameters.toFile(), parameterValues);
            Python.Result result = Python.run(SCRIPT_TIMEOUT, List.of(Python.script("moto_deploy.py").toString(),
                    moto.endpoint().toString(), template.toString(), parameters.toString(), SamTranslation.CODE_BUCKET,
                    artifactRoot.toString(), String.valueOf(STACK_DEADLINE.toSeconds())));
            if (result.exitCode() != 0) {
                throw new IllegalStateException("moto_deploy.py failed:\n" + result.stderr()
                        + "\nend of moto_server's log:\n" + moto.logTail(40));
            }
            return JSON.readValue(result.stdout(), Report.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
