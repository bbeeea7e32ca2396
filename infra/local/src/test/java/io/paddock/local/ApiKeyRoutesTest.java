package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API keys over plain HTTP, every function in one process, as `./paddock local` serves them: an admin creates a key
 * and every function takes it for what its scopes allow; once the admin's DELETE has answered, every function refuses
 * it; and a key — whatever its scopes — is refused by every route that needs a user and every mutation but
 * POST /v1/events, with the contract's 403, on every function.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ApiKeyRoutesTest {

    private static final AtomicInteger NEXT = new AtomicInteger(1 + (int) (System.nanoTime() % 60_000));

    private String admin;

    @BeforeEach
    void seedTheDemoAccountsAndSignInAsTheAdmin() throws Exception {
        LocalData.seed(PaddockStoresTestResource.stores().databaseUrl());
        admin = anyone().contentType("application/json")
                .body("{\"email\":\"ada@example.com\",\"password\":\"paddock-demo-2026\"}")
                .post("/v1/auth/login").then().statusCode(200).extract().path("accessToken");
    }

    @Test
    void aKeyWorksOnEveryFunctionUntilItsRevocationAnswersThenNoFunctionTakesIt() {
        Response created = asAdmin().contentType("application/json")
                .body("{\"name\":\"Every function\",\"scopes\":[\"read\",\"telemetry:write\"]}")
                .post("/v1/admin/api-keys");
        created.then().statusCode(201);
        String key = created.path("key");
        String id = created.path("id");

        assertEquals(List.of(200, 200, 200, 202, 200), statuses(key), "before the revocation");
        withKey(key).get("/v1/rate-limits").then().statusCode(200).body("key", org.hamcrest.Matchers.equalTo("apikey:" + id));

        asAdmin().delete("/v1/admin/api-keys/" + id).then().statusCode(204);

        assertEquals(List.of(401, 401, 401, 401, 401), statuses(key), "from the revocation's answer on, on every function");
        withKey(key).get("/v1/health").then().statusCode(401).header("WWW-Authenticate", "ApiKey error=\"invalid_key\"");
    }

    /** One use of the key on each function: auth (JWKS), feed, ratelimit (standing), telemetry (events), feed entities. */
    private List<Integer> statuses(String key) {
        List<Integer> statuses = new ArrayList<>();
        statuses.add(withKey(key).get("/v1/auth/jwks.json").statusCode());
        statuses.add(withKey(key).get("/v1/feed/users/ada").statusCode());
        statuses.add(withKey(key).get("/v1/rate-limits").statusCode());
        statuses.add(withKey(key).contentType("application/json").body("{\"anonymousId\":\"integration-1\",\"events\":[{"
                + "\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"impression\",\"itemId\":\"post-1\",\"occurredAt\":\""
                + Instant.now().truncatedTo(ChronoUnit.MILLIS) + "\"}]}").post("/v1/events").statusCode());
        statuses.add(withKey(key).get("/v1/health").statusCode());
        return statuses;
    }

    @Test
    void aKeyIsRefusedByEveryRouteThatNeedsAUserAndEveryMutationButEvents() {
        String key = asAdmin().contentType("application/json")
                .body("{\"name\":\"Every scope\",\"scopes\":[\"read\",\"telemetry:write\"]}")
                .post("/v1/admin/api-keys").then().statusCode(201).extract().path("key");
        Map<String, String> wrong = new TreeMap<>();
        ProtectedRouteTest.CONTRACT.forEach((route, access) -> {
            String method = route.substring(0, route.indexOf(' '));
            boolean mutation = !method.equals("GET");
            boolean needsUser = access == ProtectedRouteTest.Access.BEARER || access == ProtectedRouteTest.Access.ADMIN;
            if (!needsUser && !mutation || route.equals("POST /v1/events")) {
                return;
            }
            String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
            Response r = withKey(key).contentType("application/json").body("{}").request(method, path);
            if (r.statusCode() != 403 || !r.path("type").toString().endsWith("/problems/insufficient-scope")) {
                wrong.put(route, r.statusCode() + " " + r.asString());
            }
        });
        assertEquals(Map.of(), wrong, "routes that let a key through, or refused it otherwise");
        withKey(key).get("/v1/feed/home").then().statusCode(403).body("type", endsWith("/problems/insufficient-scope"));
    }

    private RequestSpecification asAdmin() {
        return anyone().header("Authorization", "Bearer " + admin);
    }

    private static RequestSpecification withKey(String key) {
        return anyone().header("Authorization", "ApiKey " + key);
    }

    /** A request from an address of its own, so the auth category (counted by address) never runs out. */
    private static RequestSpecification anyone() {
        int ip = NEXT.incrementAndGet();
        return given().header("X-Forwarded-For", "10.49." + ((ip >> 8) & 0xff) + "." + (ip & 0xff));
    }
}
