package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
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
