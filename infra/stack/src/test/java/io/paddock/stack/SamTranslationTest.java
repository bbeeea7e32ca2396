package io.paddock.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The translation the other tests build on: what it does to code locations, and that its errors surface. */
class SamTranslationTest {

    @Test
    void everyFunctionsCodeComesFromTheCodeBucketUnderItsPathInTheRepository() {
        JsonNode translated = SamTranslation.translate(StackParameters.forTestDeploy());

        int functions = 0;
        for (JsonNode resource : translated.path("Resources")) {
            if (resource.path("Type").asText().equals("AWS::Lambda::Function") && resource.at("/Properties/Code").has("S3Key")) {
                functions++;
                JsonNode code = resource.at("/Properties/Code");
                assertEquals(SamTranslation.CODE_BUCKET, code.path("S3Bucket").asText(), resource.toString());
                String key = code.path("S3Key").asText();
                assertTrue(key.endsWith(".zip") && !key.startsWith("/") && !key.contains(".."),
                        "the key should be the zip's path relative to the repository: " + key);
            }
        }
        assertTrue(functions >= 4, "expected the four functions' zips at least, found " + functions);
    }

    @Test
    void aTemplateSamtranslatorRejectsFailsWithItsMessage(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  NoCode:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: x.Y::handleRequest
                """);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SamTranslation.translate(broken, Map.of()));

        assertTrue(e.getMessage().contains("NoCode") && e.getMessage().contains("CodeUri"), e.getMessage());
    }
}
