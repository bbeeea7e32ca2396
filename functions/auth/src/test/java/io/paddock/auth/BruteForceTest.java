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

/** Per-address request limits, back-off per account and address, and answers that do not tell accounts apart. */
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
    void aTokenOnLoginRegisterOrRefreshDoesNotMoveTheRequestOutOfTheAddressBucket() throws Exception {
        AuthApi.Account account = AuthApi.register();
        String ip = newIp();
        for (int i = 1; i <= 20; i++) {
            Thread.sleep(110); // under the per-second burst limit (10/s): this test is about the minute
            refresh(ip, unknownRefreshToken()).then().statusCode(401);
        }
        // Before v1.1 a valid token moved each of these to the token owner's bucket, past the address's 429.
        String newHandle = newHandle();
        List<Response> withToken = List.of(
                withToken(ip, account, "/v1/auth/login", AuthApi.json("email", account.email(), "password", account.password())),
                withToken(ip, account, "/v1/auth/register", AuthApi.json("email", newHandle + "@example.com",
                        "password", STRONG_PASSWORD, "handle", newHandle)),
                withToken(ip, account, "/v1/auth/refresh", AuthApi.json("refreshToken", account.refreshToken())));
        for (Response r : withToken) {
            r.then().statusCode(429).contentType(PROBLEM)
                    .header("RateLimit-Policy", "\"auth\";q=20;w=60")
                    .header("X-RateLimit-Remaining", "0")
                    .body("violated-policies", contains("auth"));
        }
        // The token was fine all along: from another address the same requests are admitted.
        withToken(newIp(), account, "/v1/auth/login", AuthApi.json("email", account.email(), "password",
                account.password())).then().statusCode(200).header("X-RateLimit-Remaining", "19");
    }

    @Test
    void the6thWrongPasswordFromOneAddressIs429ForThatAddressAndSuccessResetsIt() throws Exception {
        AuthApi.Account account = AuthApi.register();
        String attempts = newIp();
        for (int i = 1; i <= 5; i++) {
            login(attempts, account.email(), "wrong password " + i).then().statusCode(401);
        }
        Response blocked = login(attempts, account.email(), "wrong password 6");
        blocked.then().statusCode(429).contentType(PROBLEM)
                .body("type", equalTo("https://paddock.dev/problems/quota-exceeded"))
                .body("violated-policies", contains("login-backoff"))
                .body("detail", containsString("account from this address"));
        // The first back-off is 1 s (PADDOCK_AUTH_LOGIN_BACKOFF_INITIAL): Retry-After is that real delay.
        assertEquals("1", blocked.header("Retry-After"));
        assertBackoffHeadersAreTheAuthCategorysOwn(blocked, 20 - 6);
        // During the back-off even the right password is not checked from that address.
        login(attempts, account.email(), account.password()).then().statusCode(429);

        Thread.sleep(Long.parseLong(blocked.header("Retry-After")) * 1000 + 100);
        login(attempts, account.email(), account.password()).then().statusCode(200);
        // Success forgot the address's failures: one more wrong password is a plain 401, not a back-off.
        login(attempts, account.email(), "wrong again").then().statusCode(401);
    }

    @Test
    void anAttackerFailingRepeatedlyDoesNotLockTheOwnerOutFromAnotherAddress() {
        AuthApi.Account account = AuthApi.register();
        String attacker = newIp();
        for (int i = 1; i <= 5; i++) {
            login(attacker, account.email(), "guess " + i).then().statusCode(401);
        }
        // The finding: one failure every 300 s kept the account blocked for everyone. Put the attacker on
        // its longest back-off (failures counted directly, without the waits in between).
        for (int i = 0; i < 10; i++) {
            limits.failed(account.email(), attacker);
        }
        assertTrue(limits.blockedFor(account.email(), attacker).toSeconds() >= 299, "the attacker waits the maximum");
        Response refused = login(attacker, account.email(), "guess 16");
        refused.then().statusCode(429).body("violated-policies", contains("login-backoff"));
        // Retry-After is the back-off's own remaining delay, not the auth category's 60 s window.
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 299 && retryAfter <= 300, "Retry-After " + retryAfter);

        login(newIp(), account.email(), account.password()).then().statusCode(200);
        // The owner's success elsewhere does not release the attacker's address.
        login(attacker, account.email(), account.password()).then().statusCode(429);
    }

    @Test
    void backOffPerAddressDoublesFromOneSecondUpTo300() {
        String email = newHandle() + "@example.com";
        String address = newIp();
        long[] expectedSeconds = {0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
        for (int i = 0; i < expectedSeconds.length; i++) {
            assertEquals(Duration.ofSeconds(expectedSeconds[i]), limits.failed(email, address).backoff(), "failure " + (i + 1));
        }
        long blockedMs = limits.blockedFor(email, address).toMillis();
        assertTrue(blockedMs > 299_000 && blockedMs <= 300_000, "blocked " + blockedMs);
        assertEquals(Duration.ZERO, limits.blockedFor(email, newIp()), "another address is not held back");
        limits.succeeded(email, address);
        assertEquals(Duration.ZERO, limits.blockedFor(email, address));
        assertEquals(Duration.ZERO, limits.failed(email, address).backoff(), "counting starts again");
    }

    @Test
    void atTheAccountCeilingEveryAddressBacksOffFromItsFirstFailureButACleanAddressIsNeverRefused() {
        AuthApi.Account account = AuthApi.register();
        // 19 failures from 7 addresses, each under its own threshold of 5: nobody is backed off yet.
        int failures = 0;
        while (failures < 19) {
            String address = newIp();
            for (int i = 0; i < 3 && failures < 19; i++, failures++) {
                assertEquals(Duration.ZERO, limits.failed(account.email(), address).backoff(), "failure " + (failures + 1));
            }
        }
        // The 20th (the default ceiling) comes from a fresh address: it backs off at its own first failure.
        String late = newIp();
        assertEquals(Duration.ofSeconds(1), limits.failed(account.email(), late).backoff(), "first failure at the ceiling");
        assertEquals(Duration.ofSeconds(2), limits.failed(account.email(), late).backoff(), "and doubles from there");
        login(late, account.email(), account.password()).then().statusCode(429);

        // A clean address is never refused: the owner signs in, and the ceiling blocked nobody on its own.
        String owner = newIp();
        assertEquals(Duration.ZERO, limits.blockedFor(account.email(), owner));
        login(owner, account.email(), account.password()).then().statusCode(200);
        // The owner's success does not reset the account-wide count: the next guesser is backed off at once.
        assertEquals(Duration.ofSeconds(1), limits.failed(account.email(), newIp()).backoff());
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
        // The Redis client reconnects on its own and the breaker closes after its 2 s: logins succeed again (the
        // bound is generous for a loaded machine, where a probe during the reconnect reopens the breaker).
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> login(newIp(), account.email(), account.password()).statusCode() == 200);
    }

    private static Response withToken(String ip, AuthApi.Account account, String path, String json) {
        return AuthApi.from(ip).auth().oauth2(account.accessToken()).body(json).when().post(path);
    }

    private static Map<String, Object> withoutRequestId(Response r) {
        Map<String, Object> body = new TreeMap<>(r.jsonPath().getMap(""));
        body.remove("requestId");
        return body;
    }

    /**
     * A back-off 429 describes no made-up limiter policy: its only rate-limit headers are the address's
     * real standing in the {@code auth} category, in which this request was counted like any other.
     */
    private static void assertBackoffHeadersAreTheAuthCategorysOwn(Response refused, int remaining) {
        assertEquals("\"auth\";q=20;w=60", refused.header("RateLimit-Policy"));
        assertEquals("20", refused.header("X-RateLimit-Limit"));
        assertEquals(Integer.toString(remaining), refused.header("X-RateLimit-Remaining"));
        assertEquals("\"auth\";r=" + remaining + ";t=" + refused.header("X-RateLimit-Reset"), refused.header("RateLimit"));
    }
}
