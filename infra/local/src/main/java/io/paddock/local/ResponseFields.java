package io.paddock.local;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Every field of a schema that only answers use is required: the API writes every field of an answer, null where
 * there is none (the document says which may be null), so a generated client types {@code accessToken: string},
 * not {@code accessToken?: string}. Request schemas keep their own rules. The exceptions are the records written
 * with {@code @JsonInclude(NON_NULL)}, which leave out what is null. OpenApiContractTest holds this to real answers.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ResponseFields implements OASFilter {

    /** HealthChecks.Check and EventPage.Item leave out their null fields. */
    static final Set<String> LEAVE_OUT_NULLS = Set.of("Check", "Item");
    private static final String SCHEMAS = "#/components/schemas/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null || openAPI.getPaths() == null) {
            return;
        }
        Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
        Set<String> answered = new HashSet<>();
        Set<String> asked = new HashSet<>();
        openAPI.getPaths().getPathItems().values().forEach(path -> path.getOperations().values().forEach(operation -> {
            responses(operation).forEach(response -> media(response.getContent())
                    .forEach(media -> reach(media.getSchema(), schemas, answered)));
            if (operation.getRequestBody() != null) {
                media(operation.getRequestBody().getContent()).forEach(media -> reach(media.getSchema(), schemas, asked));
            }
            if (operation.getParameters() != null) {
                operation.getParameters().forEach(parameter -> reach(parameter.getSchema(), schemas, asked));
            }
        }));
        answered.removeAll(asked);
        answered.removeAll(LEAVE_OUT_NULLS);
        for (String name : answered) {
            Schema schema = schemas.get(name);
            if (schema != null && schema.getProperties() != null && !schema.getProperties().isEmpty()
                    && (schema.getRequired() == null || schema.getRequired().isEmpty())) {
                schema.setRequired(new ArrayList<>(schema.getProperties().keySet()));
            }
        }
    }

    private static List<APIResponse> responses(Operation operation) {
        return operation.getResponses() == null || operation.getResponses().getAPIResponses() == null ? List.of()
                : List.copyOf(operation.getResponses().getAPIResponses().values());
    }

    private static List<MediaType> media(Content content) {
        return content == null || content.getMediaTypes() == null ? List.of() : List.copyOf(content.getMediaTypes().values());
    }

    /** Adds every component schema {@code schema} refers to, directly or through others. */
    private static void reach(Schema schema, Map<String, Schema> schemas, Set<String> reached) {
        if (schema == null) {
            return;
        }
        if (schema.getRef() != null && schema.getRef().startsWith(SCHEMAS)) {
            String name = schema.getRef().substring(SCHEMAS.length());
            if (reached.add(name)) {
                reach(schemas.get(name), schemas, reached);
            }
            return;
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(property -> reach(property, schemas, reached));
        }
        reach(schema.getItems(), schemas, reached);
        if (schema.getAdditionalPropertiesSchema() != null) {
            reach(schema.getAdditionalPropertiesSchema(), schemas, reached);
        }
        for (List<Schema> group : new ArrayList<>(java.util.Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf()))) {
            if (group != null) {
                group.forEach(member -> reach(member, schemas, reached));
            }
        }
    }
}
