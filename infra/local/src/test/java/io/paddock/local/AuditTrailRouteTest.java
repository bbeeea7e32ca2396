package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/admin/audit as `./paddock local` serves it, after the actions of three functions: a registration (auth),
 * an override and an unblock by the seeded admin (ratelimit), a run of failed sign-ins that starts a back-off and a
 * reused refresh token (auth). Each left one row, and the admin route reads them back, newest first.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class AuditTrailRouteTest {

    private static final String PASSWORD = "audit-trail-2026";
    private static final AtomicInteger NEXT_IP = new AtomicInteger(1 + (int) (System.nanoTime() % 60_000));

    @Test
    void everyRecordedActionOfAnAccountIsOneRowOfTheTrailNewestFirst() throws Exception {
        LocalData.seed(PaddockStoresTestResource.stores().databaseUrl());
        Response ada = json(request(), "{\"email\":\"ada@example.com\",\"password\":\"paddock-demo-2026\"}").post("/v1/auth/login");
        ada.then().statusCode(200);
        String admin = ada.path("accessToken");
        String adminId = ada.path("user.id");

        String handle = "audited_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Response registered = json(request(), "{\"email\":\"" + handle + "@example.com\",\"password\":\"" + PASSWORD
                + "\",\"handle\":\"" + handle + "\"}").post("/v1/auth/register");
        registered.then().statusCode(201);
        String user = registered.path("user.id");

        json(bearer(admin), "{\"tier\":\"admin\"}").put("/v1/admin/rate-limits/overrides/" + user).then().statusCode(200);
        String attacker = nextAddress();
        for (int failure = 1; failure <= 5; failure++) {
            json(from(attacker), "{\"email\":\"" + handle + "@example.com\",\"password\":\"wrong-" + failure + "\"}")
                    .post("/v1/auth/login").then().statusCode(401);
        }
        // Two rotations: the first token is then neither current nor the grace parent, so presenting it is reuse.
        String first = registered.path("refreshToken");
        String second = json(request(), "{\"refreshToken\":\"" + first + "\"}").post("/v1/auth/refresh").path("refreshToken");
        json(request(), "{\"refreshToken\":\"" + second + "\"}").post("/v1/auth/refresh").then().statusCode(200);
        json(request(), "{\"refreshToken\":\"" + first + "\"}").post("/v1/auth/refresh").then().statusCode(401);

        bearer(admin).queryParam("target", user).get("/v1/admin/audit").then().statusCode(200)
                .header("Cache-Control", "private, no-cache")
                .body("items.action", contains("auth.refresh_token_reused", "auth.sign_in_backoff_started",
                        "rate_limit.override_set", "auth.signed_in"))
                .body("items.actorId", contains(null, null, adminId, user))
                .body("items[1].clientAddress", equalTo(attacker))
                .body("nextCursor", nullValue());

        String blocked = nextAddress();
        bearer(admin).delete("/v1/admin/rate-limits/blocks/ip:" + blocked).then().statusCode(204);
        bearer(admin).queryParam("actor", adminId).queryParam("action", "rate_limit.unblocked")
                .queryParam("target", "ip:" + blocked).get("/v1/admin/audit").then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].details.edgeBlockLifted", equalTo(false));

        String cursor = bearer(admin).queryParam("target", user).queryParam("limit", "3").get("/v1/admin/audit")
                .then().statusCode(200).body("items", hasSize(3)).extract().path("nextCursor");
        bearer(admin).queryParam("target", user).queryParam("limit", "3").queryParam("cursor", cursor)
                .get("/v1/admin/audit").then().statusCode(200)
                .body("items.action", contains("auth.signed_in")).body("nextCursor", nullValue());
        bearer(admin).queryParam("cursor", cursor + "x").get("/v1/admin/audit").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("cursor"));
        // The reuse revoked every access token of the registration's family; a new sign-in is a plain user's.
        bearer(registered.path("accessToken")).get("/v1/admin/audit").then().statusCode(401);
        String userToken = json(request(), "{\"email\":\"" + handle + "@example.com\",\"password\":\"" + PASSWORD + "\"}")
                .post("/v1/auth/login").then().statusCode(200).extract().path("accessToken");
        bearer(userToken).get("/v1/admin/audit").then().statusCode(403);
        request().get("/v1/admin/audit").then().statusCode(401);
    }

    private static RequestSpecification request() {
        return from(nextAddress());
    }

    private static RequestSpecification from(String address) {
        return given().header("X-Forwarded-For", address);
    }

    private static RequestSpecification bearer(String token) {
        return request().header("Authorization", "Bearer " + token);
    }

    private static RequestSpecification json(RequestSpecification request, String body) {
        return request.contentType("application/json").body(body);
    }

    private static String nextAddress() {
        int ip = NEXT_IP.incrementAndGet();
        return "10.48." + ((ip >> 8) & 0xff) + "." + (ip & 0xff);
    }
}
