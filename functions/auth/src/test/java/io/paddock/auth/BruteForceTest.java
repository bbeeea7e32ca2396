package io.paddock.auth;

import static io.paddock.auth.AuthApi.PROBLEM;
import static io.paddock.auth.AuthApi.STRONG_PASSWORD;
import static io.paddock.auth.AuthApi.login;
import static io.paddock.auth.AuthApi.me;
import static io.paddock.auth.AuthApi.newHandle;
import static io.paddock.auth.AuthApi.newIp;
import static io.paddock.auth.AuthApi.refresh;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Per-address request limits, per-account back-off, and answers that do not tell accounts apart. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class BruteForceTest {

    @Inject
    LoginBackoff limits;

    private static String unknownRefreshToken() {
        return UUID.randomUUID() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    }

    @Test
    void the21stAuthRequestFromOneAddressWithinAMinuteIs429WithRetryAfter() throws Exception {
        String ip = newIp();
        for (int i = 1; i <= 20; i++) {
            Thread.sleep(110); // under the per-second burst limit (10/s): this test is about the minute
            // Any auth route counts; refreshes of unknown tokens are the cheapest (no Argon2).
            refresh(ip, unknownRefreshToken()).then().statusCode(401)
                    .header("X-RateLimit-Remaining", Integer.toString(20 - i));
        }
        Response refused = login(ip, newHandle() + "@example.com", STRONG_PASSWORD);
        refused.then().statusCode(429)
                .contentType(PROBLEM)
                .header("Cache-Control", "no-store")
                .header("X-RateLimit-Limit", "20")
                .header("X-RateLimit-Remaining", "0")
                .header("RateLimit-Policy", "\"auth\";q=20;w=60")
                .body("type", equalTo("https://paddock.dev/problems/quota-exceeded"))
                .body("status", equalTo(429))
                .body("violated-policies", contains("auth"))
                .body("requestId", equalTo(refused.header("X-Request-Id")))
                .body("instance", equalTo("/v1/auth/login"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        long reset = Long.parseLong(refused.header("X-RateLimit-Reset"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertTrue(retryAfter >= reset, "never earlier than the reset");
        assertEquals("\"auth\";r=0;t=" + reset, refused.header("RateLimit"));

        AuthApi.post(ip, "/v1/auth/register", AuthApi.json("email", newHandle() + "@example.com",
                "password", STRONG_PASSWORD, "handle", newHandle())).then().statusCode(429);
        // Another address is not affected.
        refresh(newIp(), unknownRefreshToken()).then().statusCode(401).header("X-RateLimit-Remaining", "19");
    }

    @Test
    void the6thWrongPasswordForOneAccountIs429EvenFromANewAddressAndSuccessResets() throws Exception {
        AuthApi.Account account = AuthApi.register();
        for (int i = 1; i <= 5; i++) {
            login(newIp(), account.email(), "wrong password " + i).then().statusCode(401);
        }
        Response blocked = login(newIp(), account.email(), "wrong password 6");
        blocked.then().statusCode(429).contentType(PROBLEM)
                .body("violated-policies", contains("auth"))
                .body("detail", containsString("account"));
        assertTrue(Long.parseLong(blocked.header("Retry-After")) >= 1);
        // During the back-off even the right password is not checked.
        login(newIp(), account.email(), account.password()).then().statusCode(429);

        Thread.sleep(Long.parseLong(blocked.header("Retry-After")) * 1000 + 100);
        login(newIp(), account.email(), account.password()).then().statusCode(200);
        // Success forgot the failures: one more wrong password is a plain 401, not a back-off.
        login(newIp(), account.email(), "wrong again").then().statusCode(401);
    }

    @Test
    void backOffDoublesFromOneSecondUpTo300() {
        String email = newHandle() + "@example.com";
        long[] expectedSeconds = {0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
        for (int i = 0; i < expectedSeconds.length; i++) {
            assertEquals(Duration.ofSeconds(expectedSeconds[i]), limits.failed(email), "failure " + (i + 1));
        }
        long blockedMs = limits.blockedFor(email).toMillis();
        assertTrue(blockedMs > 299_000 && blockedMs <= 300_000, "blocked " + blockedMs);
        limits.succeeded(email);
        assertEquals(Duration.ZERO, limits.blockedFor(email));
        assertEquals(Duration.ZERO, limits.failed(email), "counting starts again");
    }

    @Test
    void unknownEmailAndWrongPasswordGetTheSameStatusAndBody() {
        AuthApi.Account account = AuthApi.register();
        Response wrongPassword = login(newIp(), account.email(), "not the password");
        Response unknownEmail = login(newIp(), "nobody-" + newHandle() + "@example.com", "not the password");
        Response impossibleEmail = login(newIp(), "not an address", "not the password");
        for (Response r : List.of(wrongPassword, unknownEmail, impossibleEmail)) {
            r.then().statusCode(401).contentType(PROBLEM).header("Cache-Control", "no-store");
            assertNull(r.header("WWW-Authenticate"));
        }
        assertEquals(withoutRequestId(wrongPassword), withoutRequestId(unknownEmail));
        assertEquals(withoutRequestId(wrongPassword), withoutRequestId(impossibleEmail));
    }

    @Test
    void whileRedisIsDownLoginFailsClosedWith503AndRefreshAndMeStillAnswer() throws Exception {
        AuthApi.Account account = AuthApi.register();
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        stores.stopRedis();
        try {
            Response down = login(newIp(), account.email(), account.password());
            down.then().statusCode(503).contentType(PROBLEM)
                    .body("type", equalTo("https://paddock.dev/problems/service-unavailable"));
            assertTrue(Long.parseLong(down.header("Retry-After")) >= 1);
            assertTrue(!down.asString().contains("Redis") && !down.asString().contains("Exception"), down.asString());
            // Requests per address are still limited, by PostgreSQL (L2): a refresh needs no back-off store.
            refresh(newIp(), account.refreshToken()).then().statusCode(200).header("X-RateLimit-Remaining", "19");
            // me is category read: it fails open, and the token check skips the unreachable denylist.
            me(account.accessToken()).then().statusCode(200);
        } finally {
            stores.startRedis();
        }
        // The Redis client reconnects on its own: logins succeed again within 5 s.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> login(newIp(), account.email(), account.password()).statusCode() == 200);
    }

    private static Map<String, Object> withoutRequestId(Response r) {
        Map<String, Object> body = new TreeMap<>(r.jsonPath().getMap(""));
        body.remove("requestId");
        return body;
    }
}
