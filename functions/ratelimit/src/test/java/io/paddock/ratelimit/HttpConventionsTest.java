package io.paddock.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** The contract's conventions for every route, exercised through the Lambda handler. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class HttpConventionsTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void withoutOriginSecretsACallWithoutTheOriginHeaderIsServed() {
        // The local stack and the tests run without the lock; EdgeOnlyAccessTest runs with it.
        given().when().get("/v1/health").then().statusCode(200);
        given().header("X-Origin-Verify", "anything").when().get("/v1/health").then().statusCode(200);
    }

    @Test
    void unknownRouteIsA404ProblemWithRequestId() {
        given().header("X-Request-Id", "client-chosen-id-1")
                .when().get("/v1/nope")
                .then().statusCode(404)
                .contentType(PROBLEM)
                .header("X-Request-Id", "client-chosen-id-1")
                .body("status", equalTo(404))
                .body("title", equalTo("Not Found"))
                .body("type", containsString("/problems/not-found"))
                .body("instance", equalTo("/v1/nope"))
                .body("requestId", equalTo("client-chosen-id-1"));
    }

    @Test
    void wrongMethodIsA405ProblemWithAllow() {
        given().when().delete("/v1/health")
                .then().statusCode(405)
                .contentType(PROBLEM)
                .header("Allow", containsString("GET"))
                .body("status", equalTo(405))
                .body("requestId", not(emptyOrNullString()));
    }

    @Test
    void requestIdIsEchoedWhenSaneAndReplacedWhenNot() {
        String echoed = given().header("X-Request-Id", "abc-123.def_456")
                .when().get("/v1/health").then().extract().header("X-Request-Id");
        assertEquals("abc-123.def_456", echoed);

        String replaced = given().header("X-Request-Id", "<script>alert(1)</script>")
                .when().get("/v1/health").then().extract().header("X-Request-Id");
        assertTrue(replaced.matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
                "a fresh UUIDv7, got " + replaced);

        String generated = given().when().get("/v1/health").then().extract().header("X-Request-Id");
        assertNotEquals(replaced, generated);
    }

    @Test
    void everyResponseCarriesSecurityHeaders() {
        given().when().get("/v1/nope")
                .then()
                .header("Strict-Transport-Security", containsString("max-age="))
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", containsString("default-src 'none'"));
    }

    @Test
    void bodyThatIsNotJsonIsA400ProblemNot500() {
        given().contentType(ContentType.JSON).body("{not json")
                .when().post("/test/probe")
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("type", containsString("/problems/malformed-json"))
                .body("requestId", notNullValue());
    }

    @Test
    void emptyBodyIsA400Problem() {
        given().contentType(ContentType.JSON).body("")
                .when().post("/test/probe")
                .then().statusCode(400)
                .contentType(PROBLEM);
    }

    @Test
    void wrongJsonTypeNamesTheField() {
        given().contentType(ContentType.JSON)
                .body("{\"email\":\"a@b.co\",\"password\":\"longenough\",\"age\":\"old\"}")
                .when().post("/test/probe")
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("errors.field", hasItem("age"));
    }

    @Test
    void invalidFieldsAreListedAsFieldErrors() {
        given().contentType(ContentType.JSON)
                .body("{\"email\":\"not-an-email\",\"password\":\"short\"}")
                .when().post("/test/probe")
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("type", containsString("/problems/validation-failed"))
                .body("errors.field", hasItem("email"))
                .body("errors.field", hasItem("password"));
    }

    @Test
    void wrongContentTypeIsA415Problem() {
        given().contentType(ContentType.TEXT).body("hello")
                .when().post("/test/probe")
                .then().statusCode(415)
                .contentType(PROBLEM);
    }

    @Test
    void oversizedBodyIsA413ProblemBeforeParsing() {
        given().contentType(ContentType.JSON).body("{\"email\":\"" + "a".repeat(300_000) + "\"}")
                .when().post("/test/probe")
                .then().statusCode(413)
                .contentType(PROBLEM);
    }

    @Test
    void unexpectedErrorIsA500ProblemWithoutInternals() {
        String body = given().when().get("/test/probe/boom")
                .then().statusCode(500)
                .contentType(PROBLEM)
                .body("requestId", notNullValue())
                .extract().asString();
        assertTrue(!body.contains("db.internal") && !body.contains("Exception") && !body.contains("at io."),
                "no internals in " + body);
    }

    @Test
    void getCarriesStrongEtagAndMatchingIfNoneMatchGives304WithoutBody() {
        String etag = given().when().get("/test/probe")
                .then().statusCode(200)
                .header("Cache-Control", "no-store")
                .extract().header("ETag");
        assertTrue(etag.matches("\"[A-Za-z0-9_-]+\""), "strong ETag, got " + etag);

        String body = given().header("If-None-Match", etag)
                .when().get("/test/probe")
                .then().statusCode(304)
                .header("ETag", etag)
                .header("Cache-Control", "no-store")
                .extract().asString();
        assertEquals("", body);

        given().header("If-None-Match", "\"something-else\"")
                .when().get("/test/probe")
                .then().statusCode(200).body("answer", equalTo(42));
    }

    @Test
    void corsPreflightFromAnAllowedOriginIs204WithTheContractHeaders() {
        // Tests run in local mode, where http://localhost origins are allowed.
        io.restassured.response.Response preflight = given().header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Method", "POST")
                .when().options("/v1/health");
        preflight.then().statusCode(204)
                .header("Access-Control-Allow-Origin", "http://localhost:5173")
                .header("Access-Control-Max-Age", notNullValue());
        // The mock Lambda event server splits comma-joined values into repeated headers; join them back.
        assertTrue(allValues(preflight, "Access-Control-Allow-Methods").contains("POST"));
        assertTrue(allValues(preflight, "Access-Control-Allow-Headers").contains("Authorization"));
        assertTrue(allValues(preflight, "Access-Control-Expose-Headers").contains("X-RateLimit-Remaining"));
    }

    private static String allValues(io.restassured.response.Response response, String header) {
        return String.join(", ", response.headers().getValues(header));
    }

    @Test
    void corsNeverAllowsAnUnlistedOrigin() {
        given().header("Origin", "https://evil.example")
                .when().get("/v1/health")
                .then().header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .when().options("/v1/health")
                .then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
