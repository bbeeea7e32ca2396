package io.paddock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.ratelimit.Category;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.DotName;
import org.jboss.jandex.MethodInfo;
import org.junit.jupiter.api.Test;

/**
 * Every served route declares its rate-limit category in one place (@RateLimited on the resource
 * method); the contract exempts only GET /v1/health. The categories are the contract's.
 */
class RateLimitCategoryTest {

    static final DotName RATE_LIMITED = DotName.createSimple("io.paddock.shared.ratelimit.RateLimited");
    static final Map<String, String> NOT_LIMITED_BY_CONTRACT = Map.of("GET /v1/health", "Health: not rate limited");

    @Test
    void everyServedRouteDeclaresACategoryExceptHealth() throws IOException {
        Map<String, String> missing = new TreeMap<>();
        Map<String, MethodInfo> routes = RouteParityTest.routeMethods();
        assertTrue(routes.size() > 5, "routes found: " + routes.keySet());
        routes.forEach((route, method) -> {
            boolean declared = method.declaredAnnotation(RATE_LIMITED) != null;
            if (!declared && !NOT_LIMITED_BY_CONTRACT.containsKey(route)) {
                missing.put(route, method.declaringClass().name() + "#" + method.name());
            }
            if (declared && NOT_LIMITED_BY_CONTRACT.containsKey(route)) {
                missing.put(route, "must not be limited: " + NOT_LIMITED_BY_CONTRACT.get(route));
            }
        });
        assertEquals(Map.of(), missing, "routes without @RateLimited");
    }

    @Test
    void theContractsCategoriesOfTheServedRoutes() throws IOException {
        Map<String, String> categories = new TreeMap<>();
        RouteParityTest.routeMethods().forEach((route, method) -> {
            AnnotationInstance a = method.declaredAnnotation(RATE_LIMITED);
            if (a != null) {
                categories.put(route, Category.valueOf(a.value().asEnum()).policyName());
            }
        });
        // From ../shared/api-contract.md: Auth is category auth (me: read); telemetry POST telemetry, GET read;
        // analytics and admin routes admin; GET /v1/rate-limits read (not counted).
        assertEquals("auth", categories.get("POST /v1/auth/login"));
        assertEquals("auth", categories.get("POST /v1/auth/register"));
        assertEquals("auth", categories.get("POST /v1/auth/refresh"));
        assertEquals("auth", categories.get("POST /v1/auth/logout"));
        assertEquals("auth", categories.get("GET /v1/auth/jwks.json"));
        assertEquals("read", categories.get("GET /v1/auth/me"));
        // v1.1 account routes: export is read (contract); deletion signs nobody in, so it is a keyed mutation, not auth.
        assertEquals("read", categories.get("GET /v1/auth/me/export"));
        assertEquals("mutation", categories.get("DELETE /v1/auth/me"));
        assertEquals("admin", categories.get("DELETE /v1/admin/users/{userId}"));
        assertEquals("admin", categories.get("POST /v1/admin/api-keys"));
        assertEquals("admin", categories.get("GET /v1/admin/api-keys"));
        assertEquals("admin", categories.get("DELETE /v1/admin/api-keys/{id}"));
        assertEquals("telemetry", categories.get("POST /v1/events"));
        assertEquals("read", categories.get("GET /v1/events"));
        assertEquals("admin", categories.get("GET /v1/analytics/ctr"));
        assertEquals("admin", categories.get("PUT /v1/admin/rate-limits/overrides/{userId}"));
        assertEquals("admin", categories.get("DELETE /v1/admin/rate-limits/blocks/{key}"));
        assertEquals("admin", categories.get("GET /v1/admin/audit"));
        assertEquals("read", categories.get("GET /v1/rate-limits"));
    }
}
