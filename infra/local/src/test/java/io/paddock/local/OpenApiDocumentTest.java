package io.paddock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paddock.shared.validation.Constraints;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jboss.jandex.DotName;
import org.jboss.jandex.MethodInfo;
import org.junit.jupiter.api.Test;

/**
 * infra/openapi.yaml (equal to the served document: LocalApiTest) tells a client the truth about every route:
 * its operationId, whether it takes a token, and the statuses the route's Java declarations make possible.
 * ProblemDocumentation derives most statuses from the document's own model, which cannot see the Java
 * annotations; this test holds the two kinds of declaration to each other.
 */
class OpenApiDocumentTest {

    static final DotName RATE_LIMITED = DotName.createSimple("io.paddock.shared.ratelimit.RateLimited");
    static final DotName SIGNED_IN = DotName.createSimple("io.paddock.shared.auth.SignedIn");
    static final DotName ADMIN_ONLY = DotName.createSimple("io.paddock.shared.auth.AdminOnly");
    static final DotName ACCEPTS_API_KEY = DotName.createSimple("io.paddock.shared.auth.AcceptsApiKey");
    static final DotName ANSWER_NEVER_KEPT = DotName.createSimple("io.paddock.shared.idempotency.AnswerNeverKept");
    /** Bearer optional by the contract: a token is used when sent, an invalid one is a 401. */
    static final Set<String> TOKEN_OPTIONAL = Set.of("POST /v1/events", "GET /v1/rate-limits");
    static final Set<String> MUTATIONS = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** Session routes whose 401 refuses a credential in the body (a password, a refresh token, an ID token), not a bearer token. */
    static final Set<String> CREDENTIAL_IN_BODY = Set.of("POST /v1/auth/login", "POST /v1/auth/refresh",
            "POST /v1/auth/oidc/{provider}");
    /** Routes with a 422 of their own, not Idempotency-Key's: an ID token without a verified e-mail address. */
    static final Set<String> OWN_422 = Set.of("POST /v1/auth/oidc/{provider}");

    static JsonNode document() throws IOException {
        return new ObjectMapper(new YAMLFactory())
                .readTree(Files.readString(LocalApiTest.repoRoot().resolve("infra/openapi.yaml")));
    }

    static JsonNode operation(JsonNode document, String route) {
        String[] methodAndPath = route.split(" ", 2);
        return document.path("paths").path(methodAndPath[1]).path(methodAndPath[0].toLowerCase(Locale.ROOT));
    }

    @Test
    void everyServedRouteIsOneOperationWithItsOwnReadableOperationId() throws IOException {
        JsonNode document = document();
        Map<String, MethodInfo> routes = RouteParityTest.routeMethods();
        assertEquals(33, routes.size(), "routes: " + routes.keySet());
        Set<String> ids = new HashSet<>();
        Map<String, String> wrong = new TreeMap<>();
        routes.keySet().forEach(route -> {
            String id = operation(document, route).path("operationId").asText("");
            if (!id.matches("[a-z][A-Za-z]{2,40}") || !ids.add(id)) {
                wrong.put(route, id);
            }
        });
        assertEquals(Map.of(), wrong, "operations without a unique, readable operationId");
    }

    @Test
    void securityIsDeclaredExactlyWhereATokenIsNeededAndBothWaysWhereItIsOptional() throws IOException {
        JsonNode document = document();
        Map<String, String> wrong = new TreeMap<>();
        RouteParityTest.routeMethods().forEach((route, method) -> {
            JsonNode security = operation(document, route).path("security");
            boolean needsToken = method.hasDeclaredAnnotation(SIGNED_IN) || method.hasDeclaredAnnotation(ADMIN_ONLY);
            String expected = needsToken ? "[{\"bearer\":[]}]"
                    : TOKEN_OPTIONAL.contains(route) ? "[{\"bearer\":[]},{}]" : "[]";
            // An API key: GET and HEAD of every route that needs no user, and the mutations that declare its scope.
            if (!needsToken && (route.startsWith("GET ") || method.hasDeclaredAnnotation(ACCEPTS_API_KEY))) {
                expected = (expected.equals("[]") ? "[{}" : expected.substring(0, expected.length() - 1)) + ",{\"apiKey\":[]}]";
            }
            if (!expected.equals(security.toString())) {
                wrong.put(route, security + ", expected " + expected);
            }
        });
        assertEquals(Map.of(), wrong);
    }

    @Test
    void theStatusesEachRoutesDeclarationsMakePossibleAreDeclaredAsProblems() throws IOException {
        JsonNode document = document();
        List<String> wrong = new ArrayList<>();
        RouteParityTest.routeMethods().forEach((route, method) -> {
            JsonNode responses = operation(document, route).path("responses");
            String verb = route.substring(0, route.indexOf(' '));
            boolean limited = method.hasDeclaredAnnotation(RATE_LIMITED);
            // The standing route counts nothing and sends its standing in the body: the headers only on its 429.
            boolean counted = limited && (method.declaredAnnotation(RATE_LIMITED).value("counted") == null
                    || method.declaredAnnotation(RATE_LIMITED).value("counted").asBoolean());
            boolean needsUser = method.hasDeclaredAnnotation(SIGNED_IN) || method.hasDeclaredAnnotation(ADMIN_ONLY);
            // An API key: a GET that needs no user takes one (scope read), so does a mutation declaring its scope;
            // a refused key is a 401, a key without the scope a 403.
            boolean keyAccepted = !needsUser && (verb.equals("GET") || method.hasDeclaredAnnotation(ACCEPTS_API_KEY));
            boolean token = needsUser || TOKEN_OPTIONAL.contains(route) || keyAccepted;
            boolean keptForReplay = MUTATIONS.contains(verb) && !method.declaringClass().hasDeclaredAnnotation(ANSWER_NEVER_KEPT)
                    && !method.hasDeclaredAnnotation(ANSWER_NEVER_KEPT);
            // A parameter JAX-RS does not fill (@PathParam, @QueryParam, @Context) is the request body.
            boolean body = method.parameters().stream().anyMatch(p -> p.declaredAnnotations().stream()
                    .noneMatch(a -> a.name().toString().startsWith("jakarta.ws.rs.")));
            expect(wrong, route, responses, "429", limited);
            expect(wrong, route, responses, "401", token || CREDENTIAL_IN_BODY.contains(route));
            if (method.hasDeclaredAnnotation(ADMIN_ONLY) || keyAccepted) {
                expect(wrong, route, responses, "403", true);
            }
            expect(wrong, route, responses, "422", keptForReplay || OWN_422.contains(route));
            expect(wrong, route, responses, "413", body);
            expect(wrong, route, responses, "415", body);
            expect(wrong, route, responses, "304", verb.equals("GET"));
            expect(wrong, route, responses, "503", true);
            responses.fields().forEachRemaining(e -> {
                boolean error = e.getKey().startsWith("4") || e.getKey().startsWith("5") || e.getKey().equals("default");
                boolean problem = e.getValue().path("content").has("application/problem+json");
                boolean healthReport = route.equals("GET /v1/health") && e.getKey().equals("503");
                if (error && !problem && !healthReport) {
                    wrong.add(route + " " + e.getKey() + " has no problem+json body");
                }
                if (!e.getValue().path("headers").has("X-Request-Id")) {
                    wrong.add(route + " " + e.getKey() + " lacks X-Request-Id");
                }
                boolean withHeaders = counted ? !e.getKey().equals("default") : limited && e.getKey().equals("429");
                if (withHeaders != e.getValue().path("headers").has("RateLimit-Policy")) {
                    wrong.add(route + " " + e.getKey() + (withHeaders ? " lacks" : " declares") + " the rate-limit headers");
                }
            });
            if (responses.has("429") && !responses.path("429").path("headers").has("Retry-After")) {
                wrong.add(route + " 429 lacks Retry-After");
            }
            // WWW-Authenticate names a refused bearer token; login's and refresh's 401 refuse a password or refresh token.
            if (responses.has("401") && token != responses.path("401").path("headers").has("WWW-Authenticate")) {
                wrong.add(route + " 401 " + (token ? "lacks" : "declares") + " WWW-Authenticate");
            }
            if (verb.equals("GET") && !responses.path("200").path("headers").has("ETag")) {
                wrong.add(route + " 200 lacks ETag");
            }
        });
        assertEquals(List.of(), wrong);
    }

    private static void expect(List<String> wrong, String route, JsonNode responses, String status, boolean possible) {
        if (responses.has(status) != possible) {
            wrong.add(route + (possible ? " does not declare " : " declares impossible ") + status);
        }
    }

    /**
     * The document's patterns are read by JavaScript validators (ECMA-262) and by the server (Java, the whole
     * value: {@code Constraints}); both must say the same, so each is anchored and uses no Java-only syntax.
     */
    @Test
    void everyPatternIsAnchoredAndWrittenTheWayEcmaScriptAndJavaReadAlike() throws IOException {
        List<String> wrong = new ArrayList<>();
        collectPatterns(document(), "", wrong);
        assertEquals(List.of(), wrong);
    }

    private static void collectPatterns(JsonNode node, String at, List<String> wrong) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("pattern") && e.getValue().isTextual()) {
                    String p = e.getValue().asText();
                    if (!p.startsWith("^") || !p.endsWith("$") || p.contains("(?") || p.contains("\\p") || p.contains("\\A")
                            || p.contains("\\z") || p.contains("\\Z") || p.contains("++") || p.contains("*+")) {
                        wrong.add(at + ": " + p);
                    }
                } else {
                    collectPatterns(e.getValue(), at + "/" + e.getKey(), wrong);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectPatterns(node.get(i), at + "/" + i, wrong);
            }
        }
    }

    @Test
    void theBlankCheckRefusesOnlyTextWithoutAVisibleCharacterAsBefore() {
        Pattern notBlank = Pattern.compile(Constraints.NOT_BLANK);
        Pattern before = Pattern.compile("(?s).*\\S.*");
        for (String text : List.of("", " ", "\t\n\r\f\u000B ", "a", "  a  ", "\n\nline\n", "\u00A0", "é", "a\nb",
                "\uD83D\uDE00", " \u2028 ")) {
            assertEquals(before.matcher(text).matches(), notBlank.matcher(text).matches(), "[" + text + "]");
        }
        assertTrue(notBlank.matcher("x".repeat(5000)).matches());
    }
}
