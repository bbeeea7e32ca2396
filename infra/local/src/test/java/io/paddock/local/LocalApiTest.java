package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The local all-routes app over plain HTTP, as `./paddock local` serves it. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class LocalApiTest {

    @Test
    void healthAnswersOverPlainHttpWithAllThreeChecks() {
        given().when().get("/v1/health")
                .then().statusCode(200)
                .header("Cache-Control", "no-store")
                .header("X-Request-Id", notNullValue())
                .body("status", equalTo("ok"))
                .body("checks.postgres.status", equalTo("up"))
                .body("checks.redis.status", equalTo("up"))
                .body("checks.dynamodb.status", equalTo("up"));
    }

    @Test
    void unknownRouteIsA404Problem() {
        given().when().get("/v1/nope")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("requestId", notNullValue());
    }

    /** Issue 16: Quarkus refused it in its outermost handler with a bare 400 (no body, id or security headers). */
    @Test
    void aPathThatIsNotValidPercentEncodingIsA400ProblemWithTheUsualHeaders() throws Exception {
        for (String target : new String[] {"/v1/%zz", "/v1/posts/%", "/v1/feed/users/%g1?limit=2"}) {
            try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
                socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: bad-target-1\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                assertTrue(head.startsWith("http/1.1 400"), target + ": " + answer);
                assertTrue(head.contains("content-type: application/problem+json"), target + ": " + head);
                assertTrue(head.contains("x-request-id: bad-target-1"), target + ": " + head);
                assertTrue(head.contains("content-security-policy: default-src 'none'"), target + ": " + head);
                assertTrue(body.contains("\"type\":\"https://paddock.dev/problems/bad-request\""), body);
                assertTrue(body.contains("\"requestId\":\"bad-target-1\""), body);
            }
        }
    }

    /** Issue 16: in local mode nothing under /q/ had a CSP; only Swagger UI, a page, goes without it. */
    @Test
    void theOpenApiDocumentCarriesTheSecurityHeadersItsContentSecurityPolicyIncluded() {
        for (String accept : new String[] {"application/yaml", "application/json"}) {
            given().accept(accept).when().get("/q/openapi")
                    .then().statusCode(200)
                    .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("X-Frame-Options", "DENY");
        }
        given().when().get("/q/swagger-ui/").then().statusCode(200).header("Content-Security-Policy", nullValue());
    }

    @Test
    void seededDemoAccountsLogInWithTheDocumentedPassword() throws Exception {
        LocalData.seed(PaddockStoresTestResource.stores().databaseUrl());
        given().contentType("application/json")
                .body("{\"email\":\"ada@example.com\",\"password\":\"paddock-demo-2026\"}")
                .when().post("/v1/auth/login")
                .then().statusCode(200)
                .body("user.handle", equalTo("ada"))
                .body("user.role", equalTo("admin"))
                .body("accessToken", notNullValue());
    }

    /**
     * infra/openapi.yaml is the checked-in description of what the API serves. When a route changes,
     * regenerate it with {@code ./paddock openapi}.
     */
    @Test
    void servedOpenApiDocumentEqualsTheCheckedInOne() throws Exception {
        String served = given().accept("application/yaml").when().get("/q/openapi")
                .then().statusCode(200).extract().asString();
        Path checkedIn = repoRoot().resolve("infra/openapi.yaml");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        assertEquals(yaml.readTree(Files.readString(checkedIn)), yaml.readTree(served),
                "infra/openapi.yaml differs from the served document; regenerate it: ./paddock openapi");
    }

    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("template.yaml")) && Files.exists(dir.resolve("mvnw")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
