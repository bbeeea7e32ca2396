package io.paddock.ratelimit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The shared limiter on the real Lambda path, with this module's test policies (application.properties:
 * 6 s windows, write 5 per window, tier partner ×4, offenders after 5 rejections). Every test uses its
 * own client addresses (X-Forwarded-For; the tests are the one trusted edge hop) and its own users.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class RateLimitingTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String SIGNUP = "{\"email\":\"ada@example.com\",\"password\":\"long enough\",\"age\":3}";
    private static final AtomicInteger NEXT = new AtomicInteger(1 + (int) (System.nanoTime() % 50_000));

    @Inject
    AccessTokens tokens;

    @Inject
    Database database;

    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void remainingDecreasesByOnePerRequestAndMatchesTheStandingRoute() {
        String ip = newIp();
        for (int expected = 4; expected >= 0; expected--) {
            Response r = write(ip);
            r.then().statusCode(200)
                    .header("X-RateLimit-Limit", "5")
                    .header("X-RateLimit-Remaining", Integer.toString(expected))
                    .header("RateLimit-Policy", "\"write\";q=5;w=6");
            long reset = Long.parseLong(r.header("X-RateLimit-Reset"));
            assertTrue(reset >= 1 && reset <= 6, "reset " + reset);
            assertEquals("\"write\";r=" + expected + ";t=" + reset, r.header("RateLimit"));
            Response standing = from(ip).get("/v1/rate-limits");
            // The Lambda test adapter splits comma-joined header values into repeated headers.
            assertEquals("private, no-cache", String.join(", ", standing.headers().getValues("Cache-Control")));
            // Vary: Authorization, Origin (every answer varies on Origin, issue 13 finding 8).
            assertTrue(standing.headers().getValues("Vary").contains("Authorization"));
            standing.then().statusCode(200)
                    .header("ETag", notNullValue())
                    .body("key", equalTo("ip:" + ip))
                    .body("tier", equalTo("anonymous"))
                    .body("categories.write.limit", equalTo(5))
                    .body("categories.write.remaining", equalTo(expected))
                    .body("categories.write.windowSeconds", equalTo(6))
                    .body("categories.read.remaining", equalTo(100))
                    .body("categories.auth.limit", equalTo(20));
        }
    }

    @Test
    void theStandingVariesOnAuthorizationAndOnOriginOnceWhetherTheRequestHadAnOriginOrNot() {
        for (String origin : new String[] {null, "http://localhost:5173", "https://evil.example"}) {
            RequestSpecification request = from(newIp());
            if (origin != null) {
                request.header("Origin", origin);
            }
            Response standing = request.get("/v1/rate-limits");
            assertEquals(200, standing.statusCode());
            List<String> fields = standing.headers().getValues("Vary").stream()
                    .flatMap(v -> Arrays.stream(v.split(","))).map(String::strip).map(String::toLowerCase)
                    .filter(v -> !v.isEmpty()).toList();
            assertTrue(fields.contains("origin") && fields.contains("authorization"), "Origin " + origin + ": " + fields);
            assertEquals(1, fields.stream().filter("origin"::equals).count(), "Origin named once: " + fields);
        }
    }

    @Test
    void overTheLimitIs429WithRetryAfterAndWaitingThatLongIsEnough() throws Exception {
        String ip = newIp();
        for (int i = 0; i < 5; i++) {
            write(ip).then().statusCode(200);
        }
        Response refused = write(ip);
        refused.then().statusCode(429)
                .contentType(PROBLEM)
                .header("Cache-Control", "no-store")
                .header("X-RateLimit-Remaining", "0")
                .body("type", equalTo("https://paddock.dev/problems/quota-exceeded"))
                .body("status", equalTo(429))
                .body("violated-policies", contains("write"))
                .body("instance", equalTo("/test/limited/write"))
                .body("requestId", equalTo(refused.header("X-Request-Id")));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 6, "Retry-After " + retryAfter);
        assertTrue(retryAfter >= Long.parseLong(refused.header("X-RateLimit-Reset")), "never earlier than the reset");
        Thread.sleep(retryAfter * 1000);
        write(ip).then().statusCode(200);
    }

    @Test
    void aBadBodyIsCountedAndCarriesTheHeadersToo() {
        String ip = newIp();
        from(ip).body("{bad").post("/test/limited/write").then().statusCode(400)
                .contentType(PROBLEM)
                .header("X-RateLimit-Remaining", "4");
    }

    @Test
    void theStandingRouteSpendsNothing() {
        String ip = newIp();
        for (int i = 0; i < 15; i++) {
            from(ip).get("/v1/rate-limits").then().statusCode(200).body("categories.read.remaining", equalTo(100));
        }
    }

    /**
     * Issue 16 (contract test): a broken or expired token was answered 200 with the address's standing, which the
     * client took for its own; like every route where a token is optional, a token that is sent must be valid.
     */
    @Test
    void aTokenSentForTheStandingMustBeValidWhileNoTokenIsAnsweredByAddress() {
        String ip = newIp();
        for (String invalid : new String[] {"Bearer not-a-token", "Bearer a.b.c", "Basic dXNlcjpwYXNz"}) {
            from(ip).header("Authorization", invalid).get("/v1/rate-limits").then().statusCode(401)
                    .contentType(PROBLEM)
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        from(ip).get("/v1/rate-limits").then().statusCode(200).body("key", equalTo("ip:" + ip));
    }

    /** Issue 16: once the read window was spent, the standing route answered 429 like the reads it reports on. */
    @Test
    void readingOnesStandingIsNeverRefusedOnceTheReadWindowIsSpent() {
        String ip = newIp();
        Response refused = null;
        for (int i = 0; i <= 100 && refused == null; i++) {
            Response read = from(ip).get("/test/limited/read");
            if (read.statusCode() == 429) {
                refused = read;
            } else {
                read.then().statusCode(200);
            }
        }
        assertTrue(refused != null, "100 reads per window (shipped policy) spend the window");
        refused.then().body("violated-policies", contains("read"));
        from(ip).get("/v1/rate-limits").then().statusCode(200)
                .body("categories.read.limit", equalTo(100))
                .body("categories.read.remaining", equalTo(0));
        // Reading it spent nothing and lifted nothing: the reads are still refused.
        from(ip).get("/test/limited/read").then().statusCode(429);
    }

    @Test
    void usersAreCountedByIdAcrossAddressesAndTokensOfAnotherUserDoNotShareIt() {
        TestUser signedIn = users().user();
        UUID user = signedIn.id();
        String token = signedIn.token();
        for (int i = 0; i < 5; i++) {
            write(newIp(), token).then().statusCode(200);
        }
        write(newIp(), token).then().statusCode(429);
        String other = users().user().token();
        write(newIp(), other).then().statusCode(200).header("X-RateLimit-Remaining", "4");
        from(newIp()).header("Authorization", "Bearer " + token).get("/v1/rate-limits").then()
                .body("key", equalTo("user:" + user))
                .body("tier", equalTo("user"))
                .body("categories.write.remaining", equalTo(0));
    }

    @Test
    void adminsOverrideAUsersTierAndMultipliersDurably() throws Exception {
        TestUser signedIn = users().user();
        UUID user = signedIn.id();
        String userToken = signedIn.token();
        String admin = adminToken();
        from(newIp()).header("Authorization", "Bearer " + admin)
                .body("{\"tier\":\"partner\",\"multipliers\":{\"read\":2}}")
                .put("/v1/admin/rate-limits/overrides/" + user)
                .then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("userId", equalTo(user.toString()))
                .body("tier", equalTo("partner"))
                .body("multipliers.read", equalTo(2.0f))
                // Milliseconds, as every time the contract gives (issue 16: PostgreSQL's microseconds showed).
                .body("updatedAt", matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"));
        from(newIp()).header("Authorization", "Bearer " + userToken).get("/v1/rate-limits").then().statusCode(200)
                .body("tier", equalTo("partner"))
                .body("categories.write.limit", equalTo(20))   // 5 × partner 4
                .body("categories.read.limit", equalTo(800));  // 100 × 4 × 2
        try (var c = database.dataSource().getConnection();
                var s = c.prepareStatement("SELECT tier, multipliers->>'read' FROM rate_limit_overrides WHERE user_id = ?")) {
            s.setObject(1, user);
            try (var rs = s.executeQuery()) {
                assertTrue(rs.next(), "stored in PostgreSQL");
                assertEquals("partner", rs.getString(1));
                assertEquals("2.0", rs.getString(2));
            }
        }
        // Neither field: the override is removed.
        from(newIp()).header("Authorization", "Bearer " + admin).body("{}")
                .put("/v1/admin/rate-limits/overrides/" + user).then().statusCode(200);
        from(newIp()).header("Authorization", "Bearer " + userToken).get("/v1/rate-limits").then()
                .body("tier", equalTo("user")).body("categories.write.limit", equalTo(5));
    }

    @Test
    void overridesAreAdminOnlyAndValidated() {
        TestUser signedIn = users().user();
        UUID user = signedIn.id();
        String admin = adminToken();
        String path = "/v1/admin/rate-limits/overrides/" + user;
        from(newIp()).body("{\"tier\":\"partner\"}").put(path).then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        from(newIp()).header("Authorization", "Bearer " + signedIn.token())
                .body("{\"tier\":\"partner\"}").put(path).then().statusCode(403).contentType(PROBLEM);
        Response badTier = from(newIp()).header("Authorization", "Bearer " + admin).body("{\"tier\":\"gold\"}").put(path);
        badTier.then().statusCode(400).contentType(PROBLEM).body("errors.field", contains("tier"))
                .body("instance", equalTo(path))
                .body("requestId", equalTo(badTier.header("X-Request-Id")));
        from(newIp()).header("Authorization", "Bearer " + admin)
                .body("{\"multipliers\":{\"read\":0,\"reads\":2,\"write\":101}}").put(path)
                .then().statusCode(400).body("errors.field", hasItem("multipliers.read"))
                .body("errors.field", hasItem("multipliers.reads")).body("errors.field", hasItem("multipliers.write"));
        from(newIp()).header("Authorization", "Bearer " + admin).body("{\"multipliers\":{\"read\":\"lots\"}}").put(path)
                .then().statusCode(400).contentType(PROBLEM);
        from(newIp()).header("Authorization", "Bearer " + admin).body("{\"tier\":\"partner\"}")
                .put("/v1/admin/rate-limits/overrides/not-a-uuid").then().statusCode(400).body("errors.field", contains("userId"));
        from(newIp()).header("Authorization", "Bearer " + admin).body("{\"tier\":\"partner\"}")
                .put("/v1/admin/rate-limits/overrides/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void unblockClearsAnAddressesWindowsAndItsEdgeBlock() throws Exception {
        String ip = newIp();
        for (int i = 0; i < 5; i++) {
            write(ip).then().statusCode(200);
        }
        Response refused = null;
        for (int i = 0; i < 5; i++) {
            refused = write(ip);
            refused.then().statusCode(429);
        }
        // Those 5 were refused in memory (L0) without asking Redis; they reach L1's offender count with the
        // key's next request after Retry-After — the 5th rejection of the test policy makes it an offender.
        Thread.sleep(Long.parseLong(refused.header("Retry-After")) * 1000);
        write(ip).then().statusCode(200);
        assertTrue(edgeBlocked(ip), "5 rejections (test policy) made it an offender");
        String admin = adminToken();
        from(newIp()).header("Authorization", "Bearer " + admin).delete("/v1/admin/rate-limits/blocks/ip:" + ip)
                .then().statusCode(204);
        write(ip).then().statusCode(200).header("X-RateLimit-Remaining", "4");
        assertTrue(!edgeBlocked(ip), "the edge block is gone");
        from(newIp()).header("Authorization", "Bearer " + admin).delete("/v1/admin/rate-limits/blocks/ip:" + ip)
                .then().statusCode(204);
        from(newIp()).header("Authorization", "Bearer " + admin).delete("/v1/admin/rate-limits/blocks/host:example.com")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains("key"));
        from(newIp()).delete("/v1/admin/rate-limits/blocks/ip:" + ip).then().statusCode(401);
    }

    @Test
    void aTokenOnAnAuthRouteDoesNotMoveTheRequestOutOfTheAddressBucketAndItsRejectionsStillFeedTheEdge()
            throws Exception {
        String ip = newIp();
        String token = users().user().token();
        // auth keeps its shipped 20 per window (its burst is raised in the test profile): 20 requests at once, well
        // within the 6 s window.
        for (int expected = 19; expected >= 0; expected--) {
            authRoute(ip, token).then().statusCode(200).header("X-RateLimit-Remaining", Integer.toString(expected));
        }
        // The same user from another address is a fresh bucket: the count was the address's, not the user's.
        authRoute(newIp(), token).then().statusCode(200).header("X-RateLimit-Remaining", "19");
        Response refused = null;
        for (int i = 0; i < 5; i++) {
            refused = authRoute(ip, token);
            refused.then().statusCode(429).contentType(PROBLEM).body("violated-policies", contains("auth"));
        }
        assertTrue(!edgeBlocked(ip), "the rejections reach the offender count only with the next counted request");
        // As in unblockClearsAnAddressesWindowsAndItsEdgeBlock: the 5 in-memory rejections reach L1 with the
        // next request after Retry-After, and only address-keyed subjects become edge offenders.
        Thread.sleep(Long.parseLong(refused.header("Retry-After")) * 1000);
        authRoute(ip, token).then().statusCode(200);
        assertTrue(edgeBlocked(ip), "5 rejections of requests with a token made the address an offender");
    }

    @Test
    void aSignedInCallersStandingShowsTheAuthCategoryOfItsAddress() {
        String ip = newIp();
        TestUser signedIn = users().user();
        UUID user = signedIn.id();
        String token = signedIn.token();
        authRoute(ip, token).then().statusCode(200);
        authRoute(ip, null).then().statusCode(200);
        write(ip, token).then().statusCode(200);
        from(ip).header("Authorization", "Bearer " + token).get("/v1/rate-limits").then().statusCode(200)
                .body("key", equalTo("user:" + user))
                .body("categories.auth.remaining", equalTo(18))
                .body("categories.write.remaining", equalTo(4));
        from(newIp()).header("Authorization", "Bearer " + token).get("/v1/rate-limits").then()
                .body("categories.auth.remaining", equalTo(20))
                .body("categories.write.remaining", equalTo(4));
    }

    @Test
    void withRedisStoppedLimitsHoldOnPostgresWithoutA5xxAndRedisTakesOverAgainWithin5s() throws Exception {
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        String ip = newIp();
        // L2 is a fixed 6 s window aligned to the clock: start right after a boundary so the run fits in one.
        Thread.sleep(6000 - System.currentTimeMillis() % 6000 + 50);
        stores.stopRedis();
        try {
            for (int expected = 4; expected >= 0; expected--) {
                write(ip).then().statusCode(200).header("X-RateLimit-Remaining", Integer.toString(expected));
            }
            Response refused = write(ip);
            refused.then().statusCode(429).body("violated-policies", contains("write"));
            assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1);
            from(newIp()).get("/v1/rate-limits").then().statusCode(200).body("categories.write.remaining", equalTo(5));
        } finally {
            stores.startRedis();
        }
        // Redis counts again within 5 s of coming back (each probe from a fresh address, so L2 never refuses it).
        await().atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
            String fresh = newIp();
            write(fresh).then().statusCode(200);
            return keyExists("rl:{ip:" + fresh + "}:write");
        });
    }

    private boolean keyExists(String key) {
        try {
            return redis.execute("EXISTS", key).await().atMost(java.time.Duration.ofSeconds(1)).toInteger() == 1;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private boolean edgeBlocked(String ip) throws Exception {
        try (var c = database.dataSource().getConnection();
                var s = c.prepareStatement("SELECT count(*) FROM edge_blocks WHERE ip = ?::inet AND blocked_until > now()")) {
            s.setString(1, ip);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    private String adminToken() {
        return users().admin().token();
    }

    private TestUsers users() {
        return new TestUsers(database.dataSource(), tokens);
    }

    private static String newIp() {
        int n = NEXT.incrementAndGet();
        return "10.77." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private static RequestSpecification from(String ip) {
        return given().header("X-Forwarded-For", ip).contentType(ContentType.JSON);
    }

    private static Response write(String ip) {
        return from(ip).body(SIGNUP).post("/test/limited/write");
    }

    private static Response authRoute(String ip, String token) {
        RequestSpecification request = from(ip);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.body(SIGNUP).post("/test/limited/auth");
    }

    private static Response write(String ip, String token) {
        return from(ip).header("Authorization", "Bearer " + token).body(SIGNUP).post("/test/limited/write");
    }
}
