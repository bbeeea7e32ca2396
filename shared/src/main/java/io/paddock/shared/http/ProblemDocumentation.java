package io.paddock.shared.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Puts the contract's conventions into the OpenAPI document, in one place rather than on every route: the
 * problem+json shape of every error, the bearer scheme, the response headers the contract promises, and the
 * statuses every route of a kind can answer — derived from what each operation declares:
 * <ul>
 * <li>every route: 503 (a store it needs is down) with {@code Retry-After}, and {@code X-Request-Id},
 * {@code Cache-Control} and {@code Vary} on every answer;
 * <li>a GET: {@code ETag} on its 200, and 304 for a matching {@code If-None-Match} ({@code EntityTags} tags every GET;
 * the data export tags its spooled copy itself);
 * <li>security (a bearer token needed or optional): 401 with {@code WWW-Authenticate} (an invalid token is refused
 * even where none is needed); the 401 of login and refresh (a wrong password or refresh token) has none;
 * <li>the API-key scheme ({@code AuthorizationFilter}): every GET that needs no user accepts it (scope read) and the
 * routes that declare it (POST /v1/events) do, with 401 for a refused key and 403 for a key without the scope;
 * <li>a request body: 400, 413 and 415 ({@code BodyRefusals}); query or path parameters, or an {@code Idempotency-Key}: 400;
 * <li>a mutation outside auth: the optional {@code Idempotency-Key} header, 409 while the first request with the key
 * runs, 422 for the key reused with another request, {@code Idempotent-Replayed} on a replayed answer (auth's
 * session routes are {@code @AnswerNeverKept} and ignore the header; account deletion keeps its answer);
 * <li>a rate-limited route (all but health): the rate-limit headers on every answer and 429 with {@code Retry-After}
 * (the standing route, which counts nothing, has them on its 429 only).
 * </ul>
 * What only one route can answer (404, 409, 403 of admin routes …) is declared on the route with {@code @APIResponse}
 * (a description is enough: any error response without content gets the problem schema here). The filter sees only
 * the model, not the Java annotations ({@code @RateLimited}, {@code @AnswerNeverKept}): infra/local's
 * {@code OpenApiDocumentTest} holds the two kinds of declaration to each other, and {@code OpenApiContractTest} holds
 * the document to real answers. A header is {@code required} where every answer that names it carries it. Registered with
 * {@code mp.openapi.filter} where the document is served (the local app).
 */
public class ProblemDocumentation implements OASFilter {

    static final String PROBLEM_REF = "#/components/schemas/Problem";
    /** {@code @RateLimited} is on every route but this one (RateLimitCategoryTest). */
    static final Set<String> NOT_RATE_LIMITED = Set.of("GET /v1/health");
    /**
     * {@code @RateLimited(counted = false)}: the standing route reports the caller's standing in its body and counts
     * nothing, so only its own burst 429 carries the rate-limit headers.
     */
    static final Set<String> NOT_COUNTED = Set.of("GET /v1/rate-limits");
    /** The routes of AuthResource, which are {@code @AnswerNeverKept}: their answers carry credentials. */
    static final String ANSWERS_NEVER_KEPT_UNDER = "/v1/auth/";
    /** Account deletion, under /v1/auth/ but a mutation like any other: its 204 is kept for Idempotency-Key replays. */
    static final Set<String> KEPT_UNDER_AUTH = Set.of("DELETE /v1/auth/me");
    /** {@code @AnswerNeverKept} outside /v1/auth/: the creation of an API key answers with the key. */
    static final Set<String> NEVER_KEPT = Set.of("POST /v1/admin/api-keys");
    private static final Set<PathItem.HttpMethod> MUTATIONS = Set.of(PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT,
            PathItem.HttpMethod.PATCH, PathItem.HttpMethod.DELETE);
    private static final List<String> RATE_LIMIT_HEADERS = List.of("RateLimit-Policy", "RateLimit", "X-RateLimit-Limit",
            "X-RateLimit-Remaining", "X-RateLimit-Reset");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        if (components.getSchemas() != null) {
            components.getSchemas().values().forEach(ProblemDocumentation::anchorUuidPatterns);
        }
        addSchemas(components);
        addHeaders(components);
        components.addSecurityScheme("bearer", OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT (RS256)")
                .description("Access token from login, register or refresh: an RS256 JWT with iss, aud, sub (the user "
                        + "id), iat, nbf, exp (15 min), jti, role and fid (the refresh-token family it was issued "
                        + "from). Refused once its jti is revoked (logout) or its family is (logout, reuse of a "
                        + "spent refresh token, account gone)."));
        components.addSecurityScheme("apiKey", OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("Authorization")
                .description("An integration's API key, sent as Authorization: ApiKey <key> (created by an admin, "
                        + "POST /v1/admin/api-keys). Not a user: scope read allows GET and HEAD of the routes that need "
                        + "no user, scope telemetry:write allows POST /v1/events; anything else is a 403. Limited under "
                        + "its own tier (apiKey). Refused (401, WWW-Authenticate: ApiKey) once revoked."));
        if (openAPI.getServers() == null || openAPI.getServers().isEmpty()) {
            openAPI.addServer(OASFactory.createServer().url("https://{host}")
                    .description("A deployment: the stack output ApiUrl (its CloudFront domain, DistributionDomainName)")
                    .variables(Map.of("host", OASFactory.createServerVariable().defaultValue("api.paddock.dev")
                            .description("The deployment's domain; api.paddock.dev is only a placeholder"))));
            openAPI.addServer(OASFactory.createServer().url("http://127.0.0.1:3000").description("./paddock local"));
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.getValue().getOperations().entrySet()) {
                document(path.getKey(), entry.getKey(), entry.getValue());
            }
        }
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        if (operation.getSecurity() == null) {
            // Said outright, so that no reader (or linter) takes a public route for one that forgot its token.
            operation.setSecurity(new ArrayList<>());
        }
        boolean get = method == PathItem.HttpMethod.GET;
        boolean needsNoUser = operation.getSecurity().isEmpty()
                || operation.getSecurity().stream().anyMatch(r -> r.getSchemes() == null || r.getSchemes().isEmpty());
        if (get && needsNoUser) {
            // A GET that needs no user is open to an API key with the read scope (AuthorizationFilter).
            List<SecurityRequirement> security = new ArrayList<>(operation.getSecurity());
            if (security.isEmpty()) {
                security.add(OASFactory.createSecurityRequirement());
            }
            security.add(OASFactory.createSecurityRequirement().addScheme("apiKey"));
            operation.setSecurity(security);
        }
        boolean keyAccepted = operation.getSecurity().stream()
                .anyMatch(r -> r.getSchemes() != null && r.getSchemes().containsKey("apiKey"));
        boolean tagged = get;
        boolean limited = !NOT_RATE_LIMITED.contains(method + " " + path);
        boolean counted = limited && !NOT_COUNTED.contains(method + " " + path);
        boolean secured = operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        boolean body = operation.getRequestBody() != null;
        boolean parameters = operation.getParameters() != null && !operation.getParameters().isEmpty();
        if (parameters) {
            operation.getParameters().forEach(QueryParams::document);
        }
        boolean keptForReplay = MUTATIONS.contains(method) && !NEVER_KEPT.contains(method + " " + path)
                && (!path.startsWith(ANSWERS_NEVER_KEPT_UNDER) || KEPT_UNDER_AUTH.contains(method + " " + path));

        if (keptForReplay) {
            operation.addParameter(OASFactory.createParameter().name("Idempotency-Key").in(Parameter.In.HEADER)
                    .description("Optional: the same key and request within 24 h get the first answer back (status "
                            + "and body) without the work being done twice; 1 to 255 visible ASCII characters")
                    .schema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                            .minLength(1).maxLength(255).pattern("^[\\x21-\\x7E]{1,255}$")));
        }
        if (tagged) {
            // Declared so that a generated client has the parameter (ifNoneMatch) a revalidation needs.
            operation.addParameter(OASFactory.createParameter().name("If-None-Match").in(Parameter.In.HEADER)
                    .description("Optional: the ETag (or ETags, comma-separated) of an answer already held; 304 without a body "
                            + "while one is current")
                    .schema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))));
            addIfAbsent(responses, "304", "Not modified: the If-None-Match tag is current; no body", false);
        }
        if (body || parameters || keptForReplay) {
            // A keyed mutation without body or parameters (DELETE /v1/auth/me) can still be sent a malformed key.
            addIfAbsent(responses, "400", body
                    ? "Bad request: malformed JSON, a duplicate key, or invalid fields (errors[] names each)"
                    : parameters ? "Bad request: an invalid query or path value (errors[] names it)"
                    : "Bad request: an invalid Idempotency-Key header (errors[] names it)", true);
        }
        if (secured) {
            addIfAbsent(responses, "401", keyAccepted
                    ? "No valid access token or API key: malformed, expired or revoked"
                    : "No valid access token: missing, malformed, expired or revoked", true);
        }
        if (keyAccepted) {
            addIfAbsent(responses, "403", "An API key without the scope this route needs (type …/insufficient-scope)", true);
        }
        if (keptForReplay) {
            addIfAbsent(responses, "409", "A request with this Idempotency-Key is still being processed; retry shortly", true);
        }
        if (body) {
            addIfAbsent(responses, "413", "The body is larger than the limit (256 KiB by default)", true);
            addIfAbsent(responses, "415", "The body is not application/json", true);
        }
        if (keptForReplay) {
            addIfAbsent(responses, "422", "This Idempotency-Key was used with a different request", true);
        }
        if (limited) {
            addIfAbsent(responses, "429", "Over the rate limit (type …/quota-exceeded): retry after Retry-After seconds", true);
        }
        addIfAbsent(responses, "503", "A store the route needs is unavailable: retry after Retry-After seconds", true);
        if (responses.getDefaultValue() == null) {
            responses.setDefaultValue(OASFactory.createAPIResponse().description("Any other error: application/problem+json")
                    .content(problemContent()));
        }

        for (Map.Entry<String, APIResponse> entry : responses.getAPIResponses().entrySet()) {
            String status = entry.getKey();
            APIResponse response = entry.getValue();
            boolean error = status.startsWith("4") || status.startsWith("5");
            if (error && !"default".equals(status) && response.getContent() == null) {
                response.setContent(problemContent());
            }
            Map<String, Header> headers = new LinkedHashMap<>();
            headers.put("X-Request-Id", ref("X-Request-Id"));
            // Every answer states its caching (errors too: no-store) and varies by Origin (contract v1.1).
            headers.put("Cache-Control", ref("Cache-Control"));
            headers.put("Vary", ref("Vary"));
            if ((counted && !"default".equals(status)) || (limited && "429".equals(status))) {
                RATE_LIMIT_HEADERS.forEach(name -> headers.put(name, ref(name)));
            }
            if (tagged && ("200".equals(status) || "304".equals(status))) {
                headers.put("ETag", ref("ETag"));
            }
            if (keptForReplay && status.startsWith("2")) {
                headers.put("Idempotent-Replayed", ref("Idempotent-Replayed"));
            }
            // A refused token, not a refused password (login) or refresh token: those routes take no bearer token.
            if ("401".equals(status) && secured) {
                headers.put("WWW-Authenticate", ref("WWW-Authenticate"));
            }
            // Where a key is accepted, a 403 refuses only a key: ApiKey error="insufficient_scope".
            if ("403".equals(status) && keyAccepted) {
                headers.put("WWW-Authenticate", ref("WWW-Authenticate"));
            }
            if ("429".equals(status) || ("503".equals(status) && error && isProblem(response))
                    || ("409".equals(status) && keptForReplay)) {
                headers.put("Retry-After", ref("Retry-After"));
            }
            if (response.getHeaders() != null) {
                headers.putAll(response.getHeaders());
            }
            response.setHeaders(headers);
        }
    }

    private static void addIfAbsent(APIResponses responses, String status, String description, boolean problem) {
        if (responses.hasAPIResponse(status)) {
            APIResponse existing = responses.getAPIResponse(status);
            // SmallRye's own 400 for a validated body says only the reason phrase.
            if ("Bad Request".equals(existing.getDescription())) {
                existing.setDescription(description);
            }
            return;
        }
        APIResponse response = OASFactory.createAPIResponse().description(description);
        if (problem) {
            response.setContent(problemContent());
        }
        responses.addAPIResponse(status, response);
    }

    private static boolean isProblem(APIResponse response) {
        return response.getContent() != null && response.getContent().hasMediaType(Problem.MEDIA_TYPE);
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }

    private static Header ref(String name) {
        return OASFactory.createHeader().ref("#/components/headers/" + name);
    }

    /**
     * SmallRye writes a UUID's pattern unanchored, which a JSON Schema validator reads as "contains"; the server
     * parses the whole value.
     */
    private static void anchorUuidPatterns(Schema schema) {
        if (schema == null) {
            return;
        }
        String pattern = schema.getPattern();
        if ("uuid".equals(schema.getFormat()) && pattern != null && !pattern.startsWith("^")) {
            schema.setPattern("^" + pattern + "$");
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(ProblemDocumentation::anchorUuidPatterns);
        }
        anchorUuidPatterns(schema.getItems());
    }

    private static void addSchemas(Components components) {
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
                .addProperty("violated-policies", OASFactory.createSchema().type(List.of(Schema.SchemaType.ARRAY))
                        .items(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                        .description("429 only: the rate-limit categories the request went over, e.g. [\"read\"]"))
                .required(List.of("type", "title", "status", "requestId"))
                .examples(List.of(problemExample())));
    }

    /** In the order a reader expects; Map.of would shuffle the keys anew in every JVM, and the document with them. */
    private static Map<String, Object> problemExample() {
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("type", Problem.TYPE_BASE + "validation-failed");
        example.put("title", "Bad Request");
        example.put("status", 400);
        example.put("detail", "The post has invalid fields");
        example.put("instance", "/v1/posts");
        example.put("requestId", "01938a6e-5b1c-7c3e-9f1a-2b3c4d5e6f70");
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", "body");
        error.put("message", "must not be blank");
        example.put("errors", List.of(error));
        return example;
    }

    private static void addHeaders(Components components) {
        // required: sent on every answer that references the header; the others only in the cases they describe.
        header(components, "X-Request-Id", true, "On every response: the request's id, echoed from the request when it is "
                + "a sane token, else new. Quote it when reporting a problem; telemetry's feedRequestId names a feed response by it.");
        header(components, "ETag", true, "Strong tag of the exact body bytes; send it back as If-None-Match to get 304 while "
                + "the body is unchanged.");
        header(components, "Cache-Control", true, "public, max-age=0, s-maxage=30, stale-while-revalidate=60, "
                + "stale-if-error=300 (public feeds, JWKS; numbers configurable); private, no-cache (personal answers); "
                + "no-store (the rest: mutations, errors, health).");
        header(components, "Vary", true, "On every response: Origin, and Authorization on personal answers.");
        header(components, "RateLimit-Policy", true, "The route's category quota (draft-ietf-httpapi-ratelimit-headers-10), "
                + "e.g. \"read\";q=100;w=60.");
        header(components, "RateLimit", false, "The caller's standing in the category, e.g. \"read\";r=57;t=23. Absent on "
                + "answers marked Cache-Control: public (a shared cache would replay it to everyone); read GET /v1/rate-limits.");
        integerHeader(components, "X-RateLimit-Limit", false, "Requests per window of the route's category, for this caller. "
                + "Absent on answers marked Cache-Control: public.");
        integerHeader(components, "X-RateLimit-Remaining", false, "Requests left in the current window. Absent on answers "
                + "marked Cache-Control: public.");
        integerHeader(components, "X-RateLimit-Reset", false, "Seconds until the window resets. Absent on answers marked "
                + "Cache-Control: public.");
        integerHeader(components, "Retry-After", true, "Seconds to wait before retrying (429: never earlier than the "
                + "window's reset; 409: 1; 503: 5).");
        header(components, "WWW-Authenticate", true, "Bearer error=\"invalid_token\" (RFC 6750); on a route that needs a "
                + "recent sign-in (DELETE /v1/auth/me) a valid but older token gets Bearer error=\"insufficient_user_authentication\", "
                + "error_description=\"…\", max_age=<seconds> (RFC 9470): log in again. A refused API key (malformed, unknown or "
                + "revoked) gets ApiKey error=\"invalid_key\", and a key without the scope a route needs gets a 403 with "
                + "ApiKey error=\"insufficient_scope\".");
        header(components, "Allow", true, "On a 405 (a path served with another method): the methods the path accepts.");
        header(components, "Idempotent-Replayed", false, "true when the answer is the kept first answer to the same "
                + "Idempotency-Key and request; the work was not done again.");
    }

    private static void header(Components components, String name, boolean required, String description) {
        components.addHeader(name, OASFactory.createHeader().description(description).required(required ? Boolean.TRUE : null)
                .schema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))));
    }

    private static void integerHeader(Components components, String name, boolean required, String description) {
        components.addHeader(name, OASFactory.createHeader().description(description).required(required ? Boolean.TRUE : null)
                .schema(OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)).minimum(java.math.BigDecimal.ZERO)));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(description);
    }
}
