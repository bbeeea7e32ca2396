package io.paddock.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The inline Python code of a Lambda-backed custom resource in a translated template, run with python3 as
 * CloudFormation's call of the function would run it: the handler gets the custom-resource request and
 * answers on its ResponseURL (invoke_inline_handler.py serves that on 127.0.0.1).
 */
final class InlineHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String logicalId;
    private final String code;
    private final String handler;

    private InlineHandler(String logicalId, String code, String handler) {
        this.logicalId = logicalId;
        this.code = code;
        this.handler = handler;
    }

    /**
     * The function behind a custom resource: its ServiceToken is the Fn::GetAtt Arn of a function of the
     * template (or a Ref to one of its aliases), and that function's code is inline (Code.ZipFile, which
     * SAM's InlineCode becomes).
     */
    static InlineHandler behind(JsonNode template, String customResourceId) {
        JsonNode resources = template.path("Resources");
        JsonNode token = resources.path(customResourceId).path("Properties").path("ServiceToken");
        String functionId;
        if (token.has("Fn::GetAtt")) {
            JsonNode getAtt = token.get("Fn::GetAtt");
            functionId = getAtt.isArray() ? getAtt.get(0).asText() : getAtt.asText().split("\\.")[0];
        } else if (token.has("Ref") && resources.path(token.get("Ref").asText()).path("Type").asText().equals("AWS::Lambda::Alias")) {
            functionId = resources.get(token.get("Ref").asText()).path("Properties").path("FunctionName").path("Ref").asText();
        } else {
            throw new IllegalArgumentException(customResourceId + ": ServiceToken is not a function of this template: " + token);
        }
        JsonNode function = resources.path(functionId);
        if (!function.path("Type").asText().equals("AWS::Lambda::Function")) {
            throw new IllegalArgumentException(customResourceId + ": ServiceToken names " + functionId + ", which is no Lambda function");
        }
        JsonNode zipFile = function.path("Properties").path("Code").path("ZipFile");
        if (!zipFile.isTextual()) {
            throw new IllegalArgumentException(functionId + " (behind " + customResourceId + ") has no inline code (Code.ZipFile / InlineCode)");
        }
        if (!function.path("Properties").path("Runtime").asText().startsWith("python")) {
            throw new IllegalArgumentException(functionId + " (behind " + customResourceId + ") is not a Python function");
        }
        return new InlineHandler(functionId, zipFile.asText(), function.path("Properties").path("Handler").asText());
    }

    String functionLogicalId() {
        return logicalId;
    }

    /** A Create request for this custom resource, with these (resolved) ResourceProperties. */
    static ObjectNode createRequest(String customResourceId, String resourceType, JsonNode resourceProperties) {
        ObjectNode event = JSON.createObjectNode();
        event.put("RequestType", "Create");
        event.put("ServiceToken", resourceProperties.path("ServiceToken").asText());
        event.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/paddock-test/00000000-0000-0000-0000-000000000000");
        event.put("RequestId", "00000000-0000-0000-0000-000000000001");
        event.put("LogicalResourceId", customResourceId);
        event.put("ResourceType", resourceType);
        event.set("ResourceProperties", resourceProperties);
        return event;
    }

    /** The response body the handler sent for each event, in order; all in one python3 process. */
    List<JsonNode> respond(List<? extends JsonNode> events) {
        try {
            Path request = Files.createTempFile("inline-handler", ".json");
            try {
                ObjectNode body = JSON.createObjectNode();
                body.put("code", code);
                body.put("handler", handler);
                body.set("events", JSON.valueToTree(events));
                JSON.writeValue(request.toFile(), body);
                JsonNode responses = JSON.readTree(Python.output(TIMEOUT,
                        List.of(Python.script("invoke_inline_handler.py").toString(), request.toString())));
                List<JsonNode> result = new ArrayList<>();
                responses.forEach(result::add);
                return result;
            } finally {
                Files.deleteIfExists(request);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
