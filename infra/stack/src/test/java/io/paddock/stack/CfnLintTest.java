package io.paddock.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cfn-lint (AWS's CloudFormation linter; it applies the SAM transform itself) over template.yaml and the
 * edge templates. It runs in the repository root, so a committed .cfnlintrc there is where a rule is
 * ignored, with its reason; exit 0 means no error, no warning and no informational finding.
 */
class CfnLintTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** The console script `cfn-lint` is this; calling it through python3 needs no PATH entry for it. */
    private static final String CFN_LINT = "import sys; from cfnlint.runner import main; sys.exit(main())";

    @Test
    void templatesPassCfnLint() throws IOException {
        List<String> templates = templates();

        Python.Result lint = lint(templates);

        assertEquals(0, lint.exitCode(), "cfn-lint found problems in " + templates + ":\n" + lint.stdout() + lint.stderr());
    }

    /** Without this, a linter that checked nothing (or an exit code lost on the way) would pass the test above. */
    @Test
    void cfnLintFailsATemplateWithAnUnknownProperty(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), """
                AWSTemplateFormatVersion: '2010-09-09'
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                    Properties:
                      VisibilityTimeoutSecs: 30
                """);

        Python.Result lint = lint(List.of(broken.toString()));

        assertNotEquals(0, lint.exitCode(), "cfn-lint passed a broken template:\n" + lint.stdout());
        assertTrue(lint.stdout().contains("VisibilityTimeoutSecs"), lint.stdout() + lint.stderr());
    }

    /** template.yaml, and every infra/edge/*.yaml (the us-east-1 edge stack), in a stable order. */
    private static List<String> templates() throws IOException {
        List<String> templates = new ArrayList<>();
        templates.add("template.yaml");
        Path edge = Repository.root().resolve("infra/edge");
        if (Files.isDirectory(edge)) {
            try (Stream<Path> files = Files.list(edge)) {
                files.filter(file -> file.getFileName().toString().matches(".*\\.ya?ml"))
                        .map(file -> Repository.root().relativize(file).toString())
                        .sorted()
                        .forEach(templates::add);
            }
        }
        return templates;
    }

    private static Python.Result lint(List<String> templates) {
        List<String> arguments = new ArrayList<>(List.of("-c", CFN_LINT, "--"));
        arguments.addAll(templates);
        return Python.run(TIMEOUT, arguments);
    }
}
