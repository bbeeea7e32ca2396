package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The v1.1 account routes over plain HTTP, as `./paddock local` serves them, every function in one process: after
 * DELETE /v1/auth/me (or the admin's DELETE /v1/admin/users/{userId}) every token of the account is refused by every
 * function, and none of its data is readable through any route — its profile feed, its posts in the feeds that
 * showed them (cached ones included), its follows, its events, /me and the export.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class AccountRoutesTest {

    private static final AtomicInteger NEXT = new AtomicInteger(1 + (int) (System.nanoTime() % 60_000));
    private static final String PASSWORD = "account-routes-2026";

    record Session(String id, String handle, String email, String accessToken, String refreshToken) {
    }

    @BeforeEach
    void seedTheDemoAccounts() throws Exception {
        LocalData.seed(PaddockStoresTestResource.stores().databaseUrl());
    }

    @Test
    void afterDeletionNoTokenOfTheAccountWorksAnywhereAndNoneOfItsDataIsReadable() {
        Session leaving = register();
        Session follower = register();
        String entity = as(leaving).contentType("application/json").body("{\"kind\":\"team\",\"name\":\"Leavers " + NEXT.get() + "\"}")
                .post("/v1/entities").then().statusCode(201).extract().path("entity.id");
        String post = as(leaving).contentType("application/json")
                .body("{\"body\":\"Goodbye\",\"targetEntityIds\":[\"" + entity + "\"]}")
                .post("/v1/posts").then().statusCode(201).extract().path("post.id");
        as(follower).put("/v1/follows/users/" + leaving.handle()).then().statusCode(204);
        as(leaving).put("/v1/follows/users/" + follower.handle()).then().statusCode(204);
        as(leaving).contentType("application/json").body("{\"type\":\"like\"}").post("/v1/posts/" + post + "/actions")
                .then().statusCode(204);
        as(leaving).contentType("application/json").body("{\"events\":[{\"eventId\":\"" + UUID.randomUUID()
                + "\",\"type\":\"click\",\"itemId\":\"post:" + post + "\",\"occurredAt\":\"" + Instant.now() + "\"}]}")
                .post("/v1/events").then().statusCode(202);
        // Warm every cache that shows the post.
        anyone().get("/v1/feed/users/" + leaving.handle()).then().statusCode(200).body("items.id", hasItem(post));
        anyone().get("/v1/feed/entities/" + entity).then().statusCode(200).body("items.id", hasItem(post));
        as(follower).get("/v1/feed/home").then().statusCode(200).body("items.id", hasItem(post));
        Response secondSession = login(leaving.email());

        as(leaving).delete("/v1/auth/me").then().statusCode(204);

        // Every token, of every session, on every function.
        for (String token : new String[] {leaving.accessToken(), secondSession.path("accessToken")}) {
            bearer(token).get("/v1/auth/me").then().statusCode(401);
            bearer(token).get("/v1/auth/me/export").then().statusCode(401);
            bearer(token).get("/v1/feed/home").then().statusCode(401);
            bearer(token).contentType("application/json").body("{\"body\":\"Still here?\"}").post("/v1/posts").then().statusCode(401);
            bearer(token).get("/v1/events").then().statusCode(401);
            bearer(token).get("/v1/rate-limits").then().statusCode(401);
        }
        anyone().contentType("application/json").body("{\"refreshToken\":\"" + leaving.refreshToken() + "\"}")
                .post("/v1/auth/refresh").then().statusCode(401);
        anyone().contentType("application/json").body("{\"refreshToken\":\"" + secondSession.path("refreshToken") + "\"}")
                .post("/v1/auth/refresh").then().statusCode(401);
        login(leaving.email()).then().statusCode(401);
        // None of its data, through any route: the profile is gone, its post left every feed that showed it (the
        // cached first pages too), nobody can follow it, and its events are gone even for an admin.
        anyone().get("/v1/feed/users/" + leaving.handle()).then().statusCode(404);
        anyone().get("/v1/feed/entities/" + entity).then().statusCode(200).body("items.id", not(hasItem(post)));
        as(follower).get("/v1/feed/home").then().statusCode(200).body("items.id", not(hasItem(post)));
        as(follower).put("/v1/follows/users/" + leaving.handle()).then().statusCode(404);
        as(follower).get("/v1/auth/me/export").then().statusCode(200)
                .body("follows.users", empty()).body("actions", empty());
        Session ada = sessionOf(login("ada@example.com", "paddock-demo-2026"));
        as(ada).queryParam("userId", leaving.id()).get("/v1/events").then().statusCode(200).body("items", empty());
        // The handle stays reserved: nobody else can register it yet.
        anyone().contentType("application/json").body(registration("someone." + leaving.handle() + "@example.com", leaving.handle()))
                .post("/v1/auth/register").then().statusCode(409).body("errors[0].field", equalTo("handle"));
    }

    @Test
    void deletionNeedsASignInOfTheLastFiveMinutesAndARepeatWithItsKeyIsA204() {
        Session leaving = register();
        String key = "leave-" + UUID.randomUUID();
        as(leaving).header("Idempotency-Key", key).delete("/v1/auth/me").then().statusCode(204);
        as(leaving).header("Idempotency-Key", key).delete("/v1/auth/me").then().statusCode(204)
                .header("Idempotent-Replayed", "true");
        as(leaving).delete("/v1/auth/me").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    @Test
    void theExportIsPrivateNoStoreAndHoldsTheCallersOwnData() {
        Session me = register();
        String post = as(me).contentType("application/json").body("{\"body\":\"Exported\"}").post("/v1/posts")
                .then().statusCode(201).extract().path("post.id");
        as(me).get("/v1/auth/me/export").then().statusCode(200)
                .header("Cache-Control", "private, no-store")
                .header("Content-Type", containsString("application/json"))
                .body("profile.id", equalTo(me.id()))
                .body("profile.email", equalTo(me.email()))
                .body("posts.id", hasItem(post))
                .body("$", not(org.hamcrest.Matchers.hasKey("passwordHash")));
    }

    @Test
    void anAdminDeletesAnAccountAndItsTokensAreRefusedAtOnce() {
        Session ada = sessionOf(login("ada@example.com", "paddock-demo-2026"));
        Session removed = register();
        as(ada).delete("/v1/admin/users/" + removed.id()).then().statusCode(204);
        as(removed).get("/v1/auth/me").then().statusCode(401);
        as(removed).get("/v1/feed/home").then().statusCode(401);
        anyone().get("/v1/feed/users/" + removed.handle()).then().statusCode(404);
        as(ada).delete("/v1/admin/users/" + removed.id()).then().statusCode(204);
        as(ada).delete("/v1/admin/users/" + ada.id()).then().statusCode(403);
    }

    private Session register() {
        int n = NEXT.incrementAndGet();
        String handle = "leaver_" + n + "_" + Long.toString(System.nanoTime() % 1_000_000, 36);
        return sessionOf(anyone().contentType("application/json").body(registration(handle + "@example.com", handle))
                .post("/v1/auth/register").then().statusCode(201).extract().response());
    }

    private static String registration(String email, String handle) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"handle\":\"" + handle + "\"}";
    }

    private static Response login(String email) {
        return login(email, PASSWORD);
    }

    private static Response login(String email, String password) {
        return anyone().contentType("application/json").body("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")
                .post("/v1/auth/login");
    }

    private static Session sessionOf(Response r) {
        return new Session(r.path("user.id"), r.path("user.handle"), r.path("user.email"), r.path("accessToken"),
                r.path("refreshToken"));
    }

    /** A request from an address of its own, so the auth category (counted by address) never runs out. */
    private static RequestSpecification anyone() {
        int ip = NEXT.incrementAndGet();
        return given().header("X-Forwarded-For", "10.48." + ((ip >> 8) & 0xff) + "." + (ip & 0xff));
    }

    private static RequestSpecification as(Session session) {
        return bearer(session.accessToken());
    }

    private static RequestSpecification bearer(String token) {
        return anyone().header("Authorization", "Bearer " + token);
    }
}
