package io.paddock.shared.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * With origin secrets configured, only requests carrying one of them in {@code X-Origin-Verify} (what
 * CloudFront adds) are served; anything else — a call straight to the API Gateway URL — is a 403 problem
 * before routing, CORS or rate limiting look at it. (Without secrets, every other Quarkus test of the library is
 * served without the header.)
 */
@QuarkusTest
@QuarkusTestResource(RedisOnlyStores.class)
@TestProfile(EdgeOnlyAccessTest.BehindCloudFront.class)
class EdgeOnlyAccessTest {

    static final String CURRENT = "current-origin-secret-0123456789abcdef";
    static final String PREVIOUS = "previous-origin-secret-0123456789abcdef";
    private static final String PROBLEM = "application/problem+json";
    private static final String SIGNUP = "{\"email\":\"ada@example.com\",\"password\":\"long enough\",\"age\":3}";
    private static final AtomicInteger NEXT = new AtomicInteger(1 + (int) (System.nanoTime() % 50_000));

    public static class BehindCloudFront implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("paddock.http.origin-secrets", CURRENT + "," + PREVIOUS,
                    // A small write limit, so "twice the limit" is a few requests.
                    "paddock.rate-limits.policies", "{window: 6s, categories: {write: {limit: 5, burst: 5}}}");
        }
    }

    /** A client address of its own, so no other test's requests share its rate-limit windows. */
    private static RequestSpecification from(String ip) {
        return given().header("X-Forwarded-For", ip);
    }

    private static String newIp() {
        int n = NEXT.getAndIncrement();
        return "10.77." + (n / 250 % 250) + "." + (n % 250 + 1);
    }

    @Test
    void aDirectCallWithoutTheOriginHeaderIsRefused() {
        String body = given().header("X-Request-Id", "direct-call-0001")
                .when().get("/test/probe")
                .then().statusCode(403)
                .contentType(PROBLEM)
                .header("X-Request-Id", "direct-call-0001")
                .header("Cache-Control", "no-store")
                .body("status", equalTo(403))
                .body("title", equalTo("Forbidden"))
                .body("type", equalTo("https://paddock.dev/problems/forbidden"))
                .body("instance", equalTo("/test/probe"))
                .body("requestId", equalTo("direct-call-0001"))
                .extract().asString();
        org.junit.jupiter.api.Assertions.assertFalse(body.contains(CURRENT) || body.contains(PREVIOUS)
                || body.contains("X-Origin-Verify"), "the answer says nothing of what was expected: " + body);
    }

    @Test
    void aCallWithTheWrongOriginValueIsRefused() {
        given().header("X-Origin-Verify", "wrong-origin-secret-0123456789abcdef")
                .when().get("/test/probe")
                .then().statusCode(403).contentType(PROBLEM)
                .body("type", equalTo("https://paddock.dev/problems/forbidden"))
                .body(not(containsString(CURRENT)));
        given().header("X-Origin-Verify", CURRENT.substring(0, 31))
                .when().get("/test/probe")
                .then().statusCode(403);
    }

    @Test
    void aCallThroughTheEdgeWithTheCurrentSecretIsServed() {
        given().header("X-Origin-Verify", CURRENT)
                .when().get("/test/probe")
                .then().statusCode(200)
                .body("answer", equalTo(42));
    }

    @Test
    void theSecretBeingRotatedOutIsStillAccepted() {
        given().header("X-Origin-Verify", PREVIOUS)
                .when().get("/test/probe")
                .then().statusCode(200);
    }

    @Test
    void unknownRoutesWrongMethodsAndPreflightsAreRefusedBeforeAnythingElseAnswers() {
        given().when().get("/v1/nope").then().statusCode(403).contentType(PROBLEM);
        given().when().delete("/test/probe").then().statusCode(403).contentType(PROBLEM).header("Allow", nullValue());
        given().header("Origin", "http://localhost:5173").header("Access-Control-Request-Method", "POST")
                .when().options("/test/probe")
                .then().statusCode(403).contentType(PROBLEM)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Methods", nullValue());
        given().contentType(ContentType.JSON).body("{\"email\":\"" + "a".repeat(300_000) + "\"}")
                .when().post("/test/probe")
                .then().statusCode(403).contentType(PROBLEM);

        // The same requests through the edge get the answers the contract gives them.
        given().header("X-Origin-Verify", CURRENT).when().get("/v1/nope").then().statusCode(404);
        given().header("X-Origin-Verify", CURRENT).when().delete("/test/probe/origin-header").then().statusCode(405)
                .header("Allow", equalTo("GET"));
        given().header("X-Origin-Verify", CURRENT)
                .header("Origin", "http://localhost:5173").header("Access-Control-Request-Method", "POST")
                .when().options("/test/probe")
                .then().statusCode(204).header("Access-Control-Allow-Origin", "http://localhost:5173");
    }

    @Test
    void aRefusedCallIsNeverCountedAgainstTheClientsLimit() {
        String ip = newIp();
        // Twice the write limit (5 per window in this profile), none of them through the edge.
        for (int i = 0; i < 10; i++) {
            from(ip).contentType(ContentType.JSON).body(SIGNUP)
                    .when().post("/test/probe/limited")
                    .then().statusCode(403)
                    .header("X-RateLimit-Remaining", nullValue())
                    .header("RateLimit", nullValue());
        }
        from(ip).header("X-Origin-Verify", CURRENT).contentType(ContentType.JSON).body(SIGNUP)
                .when().post("/test/probe/limited")
                .then().statusCode(200)
                .header("X-RateLimit-Limit", "5")
                .header("X-RateLimit-Remaining", "4");
    }

    @Test
    void theOriginSecretNeverReachesTheResources() {
        given().header("X-Origin-Verify", CURRENT)
                .when().get("/test/probe/origin-header")
                .then().statusCode(200)
                .header("X-Request-Id", notNullValue())
                .body("present", equalTo(false));
    }
}
