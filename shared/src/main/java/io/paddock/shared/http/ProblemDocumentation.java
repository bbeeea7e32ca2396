package io.paddock.shared.http;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Puts the contract's conventions into the OpenAPI document: the problem+json shape of every error
 * (as the {@code default} response of each operation) and the bearer scheme. Registered with
 * {@code mp.openapi.filter} where the document is served (the local app).
 */
public class ProblemDocumentation implements OASFilter {

    static final String PROBLEM_REF = "#/components/schemas/Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSchema("FieldError", OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .addProperty("field", string("The request field, e.g. email or events[3].type"))
                .addProperty("message", string("What is wrong with it"))
                .required(List.of("field", "message")));
        components.addSchema("Problem", OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description("RFC 9457 problem details; every error response of the API has this shape.")
                .addProperty("type", string("URI of the problem type, e.g. https://paddock.dev/problems/not-found"))
                .addProperty("title", string("Short summary of the problem type"))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)))
                .addProperty("detail", string("What went wrong with this request"))
                .addProperty("instance", string("The request path"))
                .addProperty("requestId", string("The X-Request-Id of the response; quote it when reporting"))
                .addProperty("errors", OASFactory.createSchema().type(List.of(Schema.SchemaType.ARRAY))
                        .items(OASFactory.createSchema().ref("#/components/schemas/FieldError")))
                .required(List.of("type", "title", "status", "requestId")));
        components.addSecurityScheme("bearer", OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT (RS256)")
                .description("Access token from login, register or refresh: an RS256 JWT with iss, aud, sub (the user "
                        + "id), iat, nbf, exp (15 min), jti, role and fid (the refresh-token family it was issued "
                        + "from). Refused once its jti is revoked (logout) or its family is (logout, reuse of a "
                        + "spent refresh token, account gone)."));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : item.getOperations().entrySet()) {
                APIResponses responses = entry.getValue().getResponses();
                if (responses == null) {
                    responses = OASFactory.createAPIResponses();
                    entry.getValue().setResponses(responses);
                }
                if (responses.getDefaultValue() == null) {
                    responses.setDefaultValue(OASFactory.createAPIResponse()
                            .description("Any error: application/problem+json")
                            .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                                    OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)))));
                }
            }
        }
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(description);
    }
}
