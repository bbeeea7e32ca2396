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
import java.time.Duration;
import org.awaitility.Awaitility;
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
    void healthIsDegradedWhileRedisIsDownAndRecoversWhenItIsBack() {
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        stores.stopRedis();
        try {
            // A request that needs Redis finds it down: the standing comes from PostgreSQL (L2).
            given().when().get("/v1/rate-limits").then().statusCode(200);
            long started = System.nanoTime();
            given().when().get("/v1/health")
                    .then().statusCode(503)
                    .header("Cache-Control", "no-store")
                    .body("status", equalTo("degraded"))
                    .body("checks.redis.status", equalTo("down"))
                    .body("checks.redis.breaker", equalTo("open"))
                    .body("checks.postgres.status", equalTo("up"))
                    .body("checks.postgres.breaker", equalTo("closed"))
                    .body("checks.dynamodb.status", equalTo("up"));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            org.junit.jupiter.api.Assertions.assertTrue(tookMs < 3000,
                    "a dead store must not hold the health answer (took " + tookMs + " ms)");
        } finally {
            stores.startRedis();
        }
        // The client reconnects on its own, and the next request that tries Redis closes the breaker.
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            given().when().get("/v1/rate-limits").then().statusCode(200);
            given().when().get("/v1/health").then().statusCode(200)
                    .body("checks.redis.status", equalTo("up"))
                    .body("checks.redis.breaker", equalTo("closed"));
        });
    }
}
