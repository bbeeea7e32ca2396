package io.paddock.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A SAM template translated to plain CloudFormation by samtranslator (the library behind {@code sam deploy}'s
 * transform), offline, as a Jackson tree: what CloudFormation would create, with SAM's generated roles,
 * versions, aliases, permissions and rules in place, so tests can assert on them.
 *
 * <p>Parameter values are given as {@code String} or {@code List<String>} (for {@code List<...>} and
 * {@code CommaDelimitedList} parameters); {@link StackParameters#forTestDeploy} makes a complete set.
 * Local {@code CodeUri}s become {@code s3://}{@value #CODE_BUCKET}{@code /<path relative to the template>}.
 *
 * <p>samtranslator resolves few intrinsics itself: a parameter inside an environment variable stays a
 * {@code Ref} (see {@link DeployTimeValues} to resolve those). Each call runs python3 once (about 1 s, most
 * of it samtranslator's import): translate several parameter sets with {@link #translateEach}.
 */
public final class SamTranslation {

    /** The bucket that stands for the one {@code sam deploy} uploads code to. */
    public static final String CODE_BUCKET = "paddock-code";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private SamTranslation() {
    }

    /** The repository's template.yaml, translated with these parameter values. */
    public static JsonNode translate(Map<String, ?> parameterValues) {
        return translate(Repository.template(), parameterValues);
    }

    /** This SAM template, translated with these parameter values. */
    public static JsonNode translate(Path template, Map<String, ?> parameterValues) {
        return run(template, JSON.valueToTree(parameterValues));
    }

    /** This SAM template translated once per parameter set, in order, in one python3 process. */
    public static List<JsonNode> translateEach(Path template, List<? extends Map<String, ?>> parameterSets) {
        JsonNode translations = run(template, JSON.valueToTree(parameterSets));
        List<JsonNode> result = new ArrayList<>();
        translations.forEach(result::add);
        return result;
    }

    private static JsonNode run(Path template, JsonNode parameters) {
        try {
            Path parametersFile = Files.createTempFile("sam-parameters", ".json");
            try {
                JSON.writeValue(parametersFile.toFile(), parameters);
                String translated = Python.output(TIMEOUT, List.of(Python.script("sam_translate.py").toString(),
                        template.toAbsolutePath().toString(), parametersFile.toString(), CODE_BUCKET));
                return JSON.readTree(translated);
            } finally {
                Files.deleteIfExists(parametersFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
