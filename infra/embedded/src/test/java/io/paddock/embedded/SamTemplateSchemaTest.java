package io.paddock.embedded;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * template.yaml against the JSON schema that AWS SAM publishes, so that a misspelt or misplaced SAM
 * property fails the build instead of {@code sam deploy}.
 */
class SamTemplateSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path repoRoot;
    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        repoRoot = findRepoRoot();
        // A copy of the schema SAM publishes, kept in the repository: infra/schemas/README.md says which.
        Path schemaFile = repoRoot.resolve("infra/schemas/sam.schema.json");
        assertTrue(Files.isRegularFile(schemaFile), "the SAM schema is missing: expected " + schemaFile);
        JsonNode schemaNode = JSON.readTree(schemaFile.toFile());

        // The file declares draft-04; it only uses keywords that mean the same in draft-07 too (type, $ref,
        // allOf, anyOf, properties, additionalProperties, required, items, enum, pattern), so the declared
        // dialect is taken as is.
        SpecificationVersion dialect = SpecificationVersion.fromSchemaNode(schemaNode).orElse(SpecificationVersion.DRAFT_7);
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(dialect, builder -> builder
                // Offline by construction: the metaschemas are bundled in the validator's jar, and any
                // other remote $ref would fail here instead of reaching out to the network.
                .schemaLoader(loader -> loader.fetchRemoteResources(false).block(SamTemplateSchemaTest::isRemote)));
        schema = registry.getSchema(SchemaLocation.of(schemaFile.toUri().toString()), schemaNode);
    }

    @Test
    void templateIsValidSamAccordingToTheSchema() {
        List<Error> errors = schema.validate(templateAsJson());
        assertTrue(errors.isEmpty(), "template.yaml breaks the SAM schema:\n" + describe(errors));
    }

    /** Without this, an empty or mis-loaded schema would make the check above always pass. */
    @Test
    void schemaValidationCatchesABrokenTemplate() {
        ObjectNode broken = templateAsJson();
        // HttpApi event properties are a closed set in the schema; the function's Runtime, by
        // contrast, is a pass-through that the schema accepts with any value.
        ((ObjectNode) broken.at("/Resources/RateLimitFunction/Properties/Events/GetHealth/Properties"))
                .put("Paht", "/v1/health");

        List<Error> errors = schema.validate(broken);

        assertFalse(errors.isEmpty(), "the schema accepted an unknown HttpApi event property");
        assertTrue(errors.stream().anyMatch(e -> e.getInstanceLocation().toString().endsWith("/GetHealth/Properties")
                        && e.getMessage().contains("'Paht'")),
                "no error names the unknown property of the broken event:\n" + describe(errors));
    }

    private static ObjectNode templateAsJson() {
        CloudFormationTemplate template = CloudFormationTemplate.read(repoRoot.resolve("template.yaml"));
        return JSON.valueToTree(template.document());
    }

    private static boolean isRemote(AbsoluteIri iri) {
        String scheme = iri.getScheme();
        return scheme != null && List.of("http", "https", "ftp").contains(scheme.toLowerCase(Locale.ROOT));
    }

    /**
     * Deepest first: a resource that matches no branch of the schema's anyOf gets one error per branch,
     * and the one that names the offending property is usually the deepest.
     */
    private static String describe(List<Error> errors) {
        return errors.stream()
                .sorted(Comparator.comparingInt((Error e) -> e.getInstanceLocation().getNameCount()).reversed())
                .map(e -> "  " + e.getInstanceLocation() + ": " + e.getMessage())
                .distinct()
                .collect(Collectors.joining("\n"));
    }

    /** The directory holding template.yaml and mvnw, from wherever Maven or an IDE starts the test. */
    static Path findRepoRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with template.yaml and mvnw above " + start);
    }
}
