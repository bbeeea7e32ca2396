package io.paddock.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class HealthResourceTest {

    @Test
    void healthChecksEveryStoreForRealAndIsNeverCached() {
        given().when().get("/v1/health")
                .then().statusCode(200)
                .contentType("application/json")
                .header("Cache-Control", "no-store")
                .header("ETag", notNullValue())
                .body("status", equalTo("ok"))
                .body("checks.postgres.status", equalTo("up"))
                .body("checks.redis.status", equalTo("up"))
                .body("checks.dynamodb.status", equalTo("up"))
                .body("checks.postgres.latencyMs", greaterThanOrEqualTo(0))
                .body("checks.redis.latencyMs", lessThan(1000))
                .body("checks.dynamodb.latencyMs", greaterThanOrEqualTo(0));
    }

    @Test
    void healthIsDegradedWhileRedisIsDownAndRecoversWhenItIsBack() throws InterruptedException {
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        stores.stopRedis();
        try {
            long started = System.nanoTime();
            given().when().get("/v1/health")
                    .then().statusCode(503)
                    .header("Cache-Control", "no-store")
                    .body("status", equalTo("degraded"))
                    .body("checks.redis.status", equalTo("down"))
                    .body("checks.postgres.status", equalTo("up"))
                    .body("checks.dynamodb.status", equalTo("up"));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            org.junit.jupiter.api.Assertions.assertTrue(tookMs < 3000,
                    "a dead store must not hold the health answer (took " + tookMs + " ms)");
        } finally {
            stores.startRedis();
        }
        // The client reconnects on its own; allow it a few seconds.
        Response last = null;
        for (int i = 0; i < 50; i++) {
            last = given().when().get("/v1/health");
            if (last.statusCode() == 200) {
                break;
            }
            Thread.sleep(100);
        }
        last.then().statusCode(200).body("checks.redis.status", equalTo("up"));
    }
}
