package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.CloudFormationTemplate;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.embedded.TemplateTables;
import io.paddock.shared.auth.AccessTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.jandex.DotName;
import org.junit.jupiter.api.Test;

/**
 * Who may call a route is declared on it ({@code @SignedIn}, {@code @AdminOnly}) and judged before the body:
 * a malformed anonymous request to any route the contract marks Bearer or Admin is a 401 — not a 400 that
 * describes the body to a stranger — on every function, over HTTP, with the rate-limit headers (the limit
 * step comes first). Routes come from template.yaml, their access rule from ../shared/api-contract.md.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ProtectedRouteTest {

    enum Access { PUBLIC, BEARER_OPTIONAL, BEARER, ADMIN }

    /** The contract's word for every route: a new route fails {@link #everyRouteOfTheTemplateHasItsContractAccessRule} until listed. */
    static final Map<String, Access> CONTRACT = new TreeMap<>(Map.ofEntries(
            Map.entry("POST /v1/auth/register", Access.PUBLIC),
            Map.entry("POST /v1/auth/login", Access.PUBLIC),
            Map.entry("POST /v1/auth/refresh", Access.PUBLIC),
            Map.entry("POST /v1/auth/oidc/{provider}", Access.PUBLIC),
            Map.entry("POST /v1/auth/logout", Access.BEARER),
            Map.entry("GET /v1/auth/me", Access.BEARER),
            Map.entry("DELETE /v1/auth/me", Access.BEARER),
            Map.entry("GET /v1/auth/me/export", Access.BEARER),
            Map.entry("DELETE /v1/admin/users/{userId}", Access.ADMIN),
            Map.entry("POST /v1/admin/api-keys", Access.ADMIN),
            Map.entry("GET /v1/admin/api-keys", Access.ADMIN),
            Map.entry("DELETE /v1/admin/api-keys/{id}", Access.ADMIN),
            Map.entry("GET /v1/auth/jwks.json", Access.PUBLIC),
            Map.entry("GET /v1/feed/home", Access.BEARER),
            Map.entry("GET /v1/feed/users/{handle}", Access.PUBLIC),
            Map.entry("GET /v1/feed/entities/{entityId}", Access.PUBLIC),
            Map.entry("POST /v1/posts", Access.BEARER),
            Map.entry("DELETE /v1/posts/{postId}", Access.BEARER),
            Map.entry("PUT /v1/follows/users/{handle}", Access.BEARER),
            Map.entry("DELETE /v1/follows/users/{handle}", Access.BEARER),
            Map.entry("PUT /v1/follows/entities/{entityId}", Access.BEARER),
            Map.entry("DELETE /v1/follows/entities/{entityId}", Access.BEARER),
            Map.entry("POST /v1/entities", Access.BEARER),
            Map.entry("POST /v1/posts/{postId}/actions", Access.BEARER),
            Map.entry("POST /v1/events", Access.BEARER_OPTIONAL),
            Map.entry("GET /v1/events", Access.BEARER),
            Map.entry("GET /v1/analytics/ctr", Access.ADMIN),
            Map.entry("GET /v1/analytics/funnel", Access.ADMIN),
            Map.entry("GET /v1/rate-limits", Access.PUBLIC),
            Map.entry("PUT /v1/admin/rate-limits/overrides/{userId}", Access.ADMIN),
            Map.entry("DELETE /v1/admin/rate-limits/blocks/{key}", Access.ADMIN),
            Map.entry("GET /v1/admin/audit", Access.ADMIN),
            Map.entry("GET /v1/health", Access.PUBLIC)));

    static final DotName SIGNED_IN = DotName.createSimple("io.paddock.shared.auth.SignedIn");
    static final DotName ADMIN_ONLY = DotName.createSimple("io.paddock.shared.auth.AdminOnly");

    /** Bodies the route would refuse with a 400 if it read them first: broken JSON, a duplicate key, the wrong shape. */
    static final List<String> MALFORMED_BODIES = List.of("{", "{\"a\":1,\"a\":2}", "[]");
    /** Path values no route accepts (not a UUID, not a handle, not a limiter key). */
    static final String MALFORMED_PATH_VALUE = "x";
    /** Query values the routes that read them refuse. */
    static final String MALFORMED_QUERY = "?limit=-1&cursor=%25%25&from=yesterday&userId=nobody";
    /** Routes with no input at all to get wrong: only the caller can be. */
    static final List<String> NOTHING_TO_MALFORM = List.of("GET /v1/auth/me", "DELETE /v1/auth/me", "GET /v1/auth/me/export");

    private static final AtomicInteger NEXT_IP = new AtomicInteger(1 + (int) (System.nanoTime() % 60_000));

    @Inject
    AccessTokens tokens;

    @Test
    void everyRouteOfTheTemplateHasItsContractAccessRule() {
        List<String> unlisted = new ArrayList<>();
        for (CloudFormationTemplate.Route route : TemplateTables.packagedTemplate().httpApiRoutes()) {
            String key = route.method() + " " + route.path();
            if (!key.equals(RouteParityTest.CATCH_ALL) && !CONTRACT.containsKey(key)) {
                unlisted.add(key);
            }
        }
        assertEquals(List.of(), unlisted, "routes of template.yaml without their access rule from the contract here");
    }

    @Test
    void everyRouteDeclaresExactlyTheAccessTheContractGivesIt() throws IOException {
        Map<String, String> wrong = new TreeMap<>();
        RouteParityTest.routeMethods().forEach((route, method) -> {
            boolean signedIn = method.declaredAnnotation(SIGNED_IN) != null;
            boolean adminOnly = method.declaredAnnotation(ADMIN_ONLY) != null;
            Access declared = adminOnly ? Access.ADMIN : signedIn ? Access.BEARER : null;
            Access contract = CONTRACT.get(route);
            Access expected = contract == Access.BEARER || contract == Access.ADMIN ? contract : null;
            if (contract == null || declared != expected || (signedIn && adminOnly)) {
                wrong.put(route, "declares " + (signedIn ? "@SignedIn " : "") + (adminOnly ? "@AdminOnly " : "")
                        + "but the contract says " + contract);
            }
        });
        assertEquals(Map.of(), wrong);
    }

    @Test
    void aMalformedAnonymousRequestToAnyProtectedRouteIsA401NotA400() {
        List<String> failures = new ArrayList<>();
        int judged = 0;
        for (String route : protectedRoutes()) {
            for (String body : bodiesOf(route)) {
                for (String authorization : new String[] {null, "Bearer not-a-token", "Basic dXNlcjpwYXNz"}) {
                    Response r = send(route, body, authorization);
                    judged++;
                    if (r.statusCode() != 401 || !problemJson(r)
                            || !"Bearer error=\"invalid_token\"".equals(r.header("WWW-Authenticate"))
                            || r.header("X-RateLimit-Limit") == null) {
                        failures.add(route + " body " + body + " authorization " + authorization + ": " + r.statusCode()
                                + " " + r.contentType() + " WWW-Authenticate=" + r.header("WWW-Authenticate")
                                + " X-RateLimit-Limit=" + r.header("X-RateLimit-Limit"));
                    }
                }
            }
        }
        assertTrue(judged >= 40, "protected routes were tried: " + judged);
        assertEquals(List.of(), failures);
    }

    @Test
    void aMalformedRequestToAnAdminRouteWithAUsersTokenIsA403NotA400() {
        List<String> failures = new ArrayList<>();
        int judged = 0;
        for (String route : protectedRoutes()) {
            if (CONTRACT.get(route) != Access.ADMIN) {
                continue;
            }
            for (String body : bodiesOf(route)) {
                Response r = send(route, body, "Bearer " + tokens.issue(UUID.randomUUID(), "user").token());
                judged++;
                if (r.statusCode() != 403 || !problemJson(r)) {
                    failures.add(route + " body " + body + ": " + r.statusCode() + " " + r.contentType());
                }
            }
        }
        assertTrue(judged >= 4, "admin routes were tried: " + judged);
        assertEquals(List.of(), failures);
    }

    /**
     * Guards the two tests above against passing vacuously: the same requests from an admin reach the body
     * and are refused for it (4xx), so the 401s and 403s above really came before the body was judged.
     */
    @Test
    void theSameRequestsFromAnAdminAreRefusedForTheirBodyOrPath() {
        List<String> failures = new ArrayList<>();
        for (String route : protectedRoutes()) {
            if (NOTHING_TO_MALFORM.contains(route)) {
                continue;
            }
            for (String body : bodiesOf(route)) {
                Response r = send(route, body, "Bearer " + tokens.issue(UUID.randomUUID(), "admin").token());
                int status = r.statusCode();
                if (status < 400 || status >= 500 || status == 401 || status == 403 || !problemJson(r)) {
                    failures.add(route + " body " + body + ": " + status + " " + r.contentType());
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    static List<String> protectedRoutes() {
        List<String> routes = new ArrayList<>();
        CONTRACT.forEach((route, access) -> {
            if (access == Access.BEARER || access == Access.ADMIN) {
                routes.add(route);
            }
        });
        return routes;
    }

    /** A route that takes a body gets each malformed body; one without gets none (its path and query are malformed). */
    static List<String> bodiesOf(String route) {
        String method = route.substring(0, route.indexOf(' '));
        return method.equals("POST") || method.equals("PUT") ? MALFORMED_BODIES : java.util.Collections.singletonList(null);
    }

    private Response send(String route, String body, String authorization) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", MALFORMED_PATH_VALUE);
        int ip = NEXT_IP.incrementAndGet();
        RequestSpecification request = given()
                .config(RestAssuredConfig.config().encoderConfig(
                        EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .urlEncodingEnabled(false)
                .header("X-Forwarded-For", "10.46." + ((ip >> 8) & 0xff) + "." + (ip & 0xff));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
        }
        return request.request(method, path + MALFORMED_QUERY);
    }

    private static boolean problemJson(Response r) {
        return r.contentType() != null && r.contentType().startsWith("application/problem+json");
    }
}
