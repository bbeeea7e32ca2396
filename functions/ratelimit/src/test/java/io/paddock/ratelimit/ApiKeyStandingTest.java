package io.paddock.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.ApiKeyScope;
import io.paddock.shared.auth.IssuedApiKeys;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestApiKeys;
import io.paddock.shared.testing.TestApiKeys.TestApiKey;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** GET /v1/rate-limits with an API key answers the key's own standing, under its tier apiKey; admin routes refuse it. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ApiKeyStandingTest {

    @Inject
    Database database;

    @Inject
    IssuedApiKeys issued;

    @Test
    void aKeyReadsItsOwnStandingUnderTheApiKeyTier() {
        TestApiKey key = new TestApiKeys(database.dataSource(), issued).withScopes(ApiKeyScope.READ);
        Response standing = given().header("X-Forwarded-For", "10.77.0.1").header("Authorization", key.authorization())
                .get("/v1/rate-limits");
        standing.then().statusCode(200)
                .body("key", equalTo("apikey:" + key.id()))
                .body("tier", equalTo("apiKey"))
                .body("categories.read.limit", equalTo(100));
        // The auth category is still the address's, as its routes count it.
        assertEquals(20, standing.<Integer>path("categories.auth.limit"));
    }

    @Test
    void noKeyMayCallAnAdminRouteOfThisFunction() {
        TestApiKey key = new TestApiKeys(database.dataSource(), issued).withScopes(ApiKeyScope.READ, ApiKeyScope.TELEMETRY_WRITE);
        given().header("Authorization", key.authorization()).get("/v1/admin/audit").then().statusCode(403);
        given().header("Authorization", key.authorization()).delete("/v1/admin/rate-limits/blocks/ip:10.0.0.1")
                .then().statusCode(403);
    }
}
