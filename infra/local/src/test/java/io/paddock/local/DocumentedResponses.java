package io.paddock.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the OpenAPI document says one operation may answer, held against a real answer: given the method, the path
 * template and the response (status, headers, body), the list of ways the answer breaks the document — empty when
 * it keeps it.
 * <ul>
 * <li>the status must be declared for the operation with its own code: {@code default} documents nothing a client
 * can generate code for;
 * <li>a header the response declares {@code required} must be there, and every declared header that is there must
 * match its schema; a header the contract promises (the {@link #PROMISED_HEADERS}) that is in the answer but not
 * declared for this response is a mismatch too — a client reading the document would never look for it;
 * <li>the body's media type must be one the response declares, and the body must be valid against its schema
 * (JSON Schema 2020-12 in the OpenAPI 3.1 dialect, {@code $ref}s resolved inside the document, formats asserted);
 * a declared body that is missing, or a body where none is declared, is a mismatch.
 * </ul>
 * Object schemas are read closed: a property the document does not declare is a mismatch (the schemas list few
 * properties as {@code required}, so only this catches a renamed field), unless the schema says what extra
 * properties may be.
 */
final class DocumentedResponses {

    /** The response headers the contract promises somewhere; each must be declared wherever it is sent. */
    static final Set<String> PROMISED_HEADERS = Set.of("x-request-id", "etag", "cache-control", "vary", "ratelimit",
            "ratelimit-policy", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after",
            "www-authenticate", "allow", "idempotent-replayed");
    private static final String DOCUMENT_IRI = "https://paddock.dev/contract/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A response as it came over the wire; header names in any case, each header once. */
    record Answer(int status, Map<String, String> headers, String contentType, byte[] body) {

        Answer {
            Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            byName.putAll(headers);
            headers = byName;
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    private final JsonNode document;
    private final SchemaRegistry schemas;
    private final Map<String, Schema> compiled = new LinkedHashMap<>();

    DocumentedResponses(JsonNode document) {
        this.document = document;
        JsonNode closed = closeObjectSchemas(document.deepCopy());
        String text;
        try {
            text = JSON.writeValueAsString(closed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // The document is its own schema resource, so "#/components/schemas/…" resolves inside it and nothing is
        // fetched from the network.
        this.schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(), builder -> builder
                .schemas(Map.of(DOCUMENT_IRI, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** Every operation of the document as "METHOD /path/{template}", in document order. */
    List<String> operations() {
        List<String> operations = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
                operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }

    /** The explicit statuses (not {@code default}) the operation declares. */
    List<String> declaredStatuses(String operation) {
        List<String> statuses = new ArrayList<>();
        operationNode(operation).path("responses").fieldNames().forEachRemaining(status -> {
            if (!status.equals("default")) {
                statuses.add(status);
            }
        });
        return statuses;
    }

    /** The ways {@code answer} breaks what the document declares for {@code operation} ("METHOD /template"). */
    List<String> mismatches(String operation, Answer answer) {
        List<String> found = new ArrayList<>();
        JsonNode op = operationNode(operation);
        String at = operation + " " + answer.status() + ": ";
        if (op.isMissingNode()) {
            found.add(operation + ": not an operation of the document");
            return found;
        }
        String status = Integer.toString(answer.status());
        JsonNode response = op.path("responses").path(status);
        if (response.isMissingNode()) {
            found.add(at + "status not declared (only default would cover it)");
            return found;
        }
        String pointer = pointer(operation, status);
        checkHeaders(at, pointer, response, answer, found);
        checkBody(at, pointer, response, answer, found);
        return found;
    }

    private void checkHeaders(String at, String responsePointer, JsonNode response, Answer answer, List<String> found) {
        Map<String, JsonNode> declared = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.path("headers").fields().forEachRemaining(h -> declared.put(h.getKey(),
                resolve(h.getValue(), responsePointer + "/headers/" + escape(h.getKey()))));
        declared.forEach((name, header) -> {
            String value = answer.header(name);
            if (value == null) {
                if (header.path("required").asBoolean(false)) {
                    found.add(at + "required header " + name + " missing");
                }
                return;
            }
            JsonNode schema = header.path("schema");
            if (!schema.isMissingNode()) {
                JsonNode asJson = schema.path("type").asText("").equals("integer") && value.matches("-?\\d{1,18}")
                        ? LongNode.valueOf(Long.parseLong(value)) : TextNode.valueOf(value);
                for (Error error : schemaAt(header.path("$location").asText()).validate(asJson)) {
                    found.add(at + "header " + name + ": " + value + ": " + error.getMessage());
                }
            }
        });
        answer.headers().keySet().forEach(name -> {
            if (PROMISED_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !declared.containsKey(name)) {
                found.add(at + "header " + name + " sent but not declared for this response");
            }
        });
    }

    private void checkBody(String at, String responsePointer, JsonNode response, Answer answer, List<String> found) {
        JsonNode content = response.path("content");
        boolean hasBody = answer.body() != null && answer.body().length > 0;
        if (!hasBody) {
            if (content.size() > 0) {
                found.add(at + "no body, but the response declares " + content.fieldNames().next());
            }
            return;
        }
        if (content.size() == 0) {
            found.add(at + "a body (" + answer.contentType() + "), but the response declares none");
            return;
        }
        String mediaType = answer.contentType() == null ? ""
                : answer.contentType().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!content.has(mediaType)) {
            found.add(at + "content type " + answer.contentType() + " not declared (declared: "
                    + String.join(", ", (Iterable<String>) content::fieldNames) + ")");
            return;
        }
        if (!content.path(mediaType).has("schema")) {
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(new String(answer.body(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            found.add(at + "body is not JSON: " + e.getOriginalMessage());
            return;
        }
        Schema schema = schemaAt(responsePointer + "/content/" + escape(mediaType) + "/schema");
        for (Error error : schema.validate(body)) {
            found.add(at + "body " + error.getInstanceLocation() + ": " + error.getMessage());
        }
    }

    private Schema schemaAt(String pointer) {
        return compiled.computeIfAbsent(pointer, p -> schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + p)));
    }

    private JsonNode operationNode(String operation) {
        String[] methodAndPath = operation.split(" ", 2);
        return document.path("paths").path(methodAndPath[1]).path(methodAndPath[0].toLowerCase(Locale.ROOT));
    }

    private static String pointer(String operation, String status) {
        String[] methodAndPath = operation.split(" ", 2);
        return "/paths/" + escape(methodAndPath[1]) + "/" + methodAndPath[0].toLowerCase(Locale.ROOT) + "/responses/" + status;
    }

    /**
     * A header object at {@code pointer}, following a {@code $ref} into {@code components.headers}; the copy notes
     * where its schema is, for the validator.
     */
    private JsonNode resolve(JsonNode header, String pointer) {
        String at = pointer;
        if (header.has("$ref")) {
            String ref = header.path("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalStateException("header $ref outside the document: " + ref);
            }
            at = ref.substring(1);
        }
        ObjectNode resolved = document.at(at).deepCopy();
        resolved.put("$location", at + "/schema");
        return resolved;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** Every object schema that lists its properties, and says nothing of others, admits no others. */
    private static JsonNode closeObjectSchemas(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.path("properties").isObject() && !object.has("additionalProperties")
                    && !object.has("unevaluatedProperties") && !object.has("allOf")) {
                object.put("additionalProperties", false);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> child = it.next();
                // Examples are data, not schemas.
                if (!child.getKey().equals("examples") && !child.getKey().equals("example")) {
                    closeObjectSchemas(child.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(DocumentedResponses::closeObjectSchemas);
        }
        return node;
    }
}
