package io.paddock.auth;

import static io.paddock.auth.AuthApi.PROBLEM;
import static io.paddock.auth.AuthApi.STRONG_PASSWORD;
import static io.paddock.auth.AuthApi.from;
import static io.paddock.auth.AuthApi.json;
import static io.paddock.auth.AuthApi.login;
import static io.paddock.auth.AuthApi.me;
import static io.paddock.auth.AuthApi.newHandle;
import static io.paddock.auth.AuthApi.newIp;
import static io.paddock.auth.AuthApi.post;
import static io.paddock.auth.AuthApi.refresh;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.db.Database;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract's Auth routes end to end through the Lambda handler, on real PostgreSQL, Redis and DynamoDB. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class AuthFlowTest {

    @Inject
    Database database;

    private static final String UUID_V7 = "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final String RFC3339_MILLIS_UTC = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Test
    void registerLoginMeRefreshLogoutRoundTripAndAfterLogoutBothTokensAreRefused() {
        String handle = newHandle();
        String ip = newIp();
        Response registered = post(ip, "/v1/auth/register", json("email", "  " + handle + "@Example.COM ",
                "password", STRONG_PASSWORD, "handle", handle, "displayName", "Ada Lovelace"));
        registered.then().statusCode(201)
                .contentType("application/json")
                .header("Cache-Control", "no-store")
                .body("user.id", matchesPattern(UUID_V7))
                .body("user.email", equalTo(handle + "@example.com"))
                .body("user.handle", equalTo(handle))
                .body("user.displayName", equalTo("Ada Lovelace"))
                .body("user.role", equalTo("user"))
                .body("user.createdAt", matchesPattern(RFC3339_MILLIS_UTC))
                .body("accessToken", notNullValue())
                .body("refreshToken", matchesPattern(RefreshTokens.TOKEN_PATTERN))
                .body("expiresIn", equalTo(900))
                .body("user", not(org.hamcrest.Matchers.hasKey("passwordHash")));
        String userId = registered.path("user.id");

        Response loggedIn = login(ip, handle.toUpperCase() + "@EXAMPLE.com", STRONG_PASSWORD);
        loggedIn.then().statusCode(200).header("Cache-Control", "no-store")
                .body("user.id", equalTo(userId))
                .body("user.createdAt", equalTo(registered.path("user.createdAt")))
                .body("expiresIn", equalTo(900));
        String access = loggedIn.path("accessToken");
        String refreshToken = loggedIn.path("refreshToken");
        assertNotEquals(registered.path("refreshToken"), refreshToken, "each login opens its own family");

        Response meResponse = me(access);
        meResponse.then().statusCode(200)
                .header("ETag", notNullValue())
                .body("user.id", equalTo(userId))
                .body("user.email", equalTo(handle + "@example.com"))
                .body("user.displayName", equalTo("Ada Lovelace"));
        assertEquals("private, no-cache", String.join(", ", meResponse.headers().getValues("Cache-Control")));
        assertTrue(meResponse.headers().getValues("Vary").contains("Authorization"));
        assertEquals("\"read\";q=100;w=60", meResponse.header("RateLimit-Policy"));

        Response refreshed = refresh(ip, refreshToken);
        refreshed.then().statusCode(200).header("Cache-Control", "no-store")
                .body("refreshToken", matchesPattern(RefreshTokens.TOKEN_PATTERN))
                .body("expiresIn", equalTo(900));
        String newAccess = refreshed.path("accessToken");
        String newRefresh = refreshed.path("refreshToken");
        assertNotEquals(refreshToken, newRefresh);
        me(newAccess).then().statusCode(200).body("user.id", equalTo(userId));

        from(ip).auth().oauth2(newAccess).body(json("refreshToken", newRefresh))
                .when().post("/v1/auth/logout")
                .then().statusCode(204).header("Cache-Control", "no-store");

        me(newAccess).then().statusCode(401)
                .contentType(PROBLEM)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        refresh(newIp(), newRefresh).then().statusCode(401).contentType(PROBLEM);
        // The other family (from register) was not part of this logout.
        refresh(newIp(), registered.path("refreshToken")).then().statusCode(200);
    }

    @Test
    void authResponsesCarryTheContractsRateLimitHeaders() {
        String ip = newIp();
        Response first = login(ip, newHandle() + "@example.com", "whatever-password");
        first.then().statusCode(401)
                .header("X-RateLimit-Limit", "20")
                .header("X-RateLimit-Remaining", "19")
                .header("RateLimit-Policy", "\"auth\";q=20;w=60");
        long reset = Long.parseLong(first.header("X-RateLimit-Reset"));
        assertTrue(reset >= 1 && reset <= 60, "reset " + reset);
        assertEquals("\"auth\";r=19;t=" + reset, first.header("RateLimit"));
        // The key set is publicly cacheable: the policy only, no per-caller values (contract v1.1, issue 13
        // finding 8) — but the request still counted, as the next answer shows.
        from(ip).when().get("/v1/auth/jwks.json").then().statusCode(200)
                .header("RateLimit-Policy", org.hamcrest.Matchers.notNullValue())
                .header("X-RateLimit-Remaining", org.hamcrest.Matchers.nullValue())
                .header("RateLimit", org.hamcrest.Matchers.nullValue());
        login(ip, newHandle() + "@example.com", "whatever-password").then().statusCode(401)
                .header("X-RateLimit-Remaining", "17");
    }

    @Test
    void logoutNeedsABearerTokenAndLeavesOtherUsersFamiliesAlone() {
        AuthApi.Account ada = AuthApi.register();
        AuthApi.Account eve = AuthApi.register();
        from(newIp()).body(json("refreshToken", ada.refreshToken())).when().post("/v1/auth/logout")
                .then().statusCode(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"");

        from(newIp()).auth().oauth2(eve.accessToken()).body(json("refreshToken", ada.refreshToken()))
                .when().post("/v1/auth/logout").then().statusCode(204);
        me(eve.accessToken()).then().statusCode(401);
        refresh(newIp(), ada.refreshToken()).then().statusCode(200);
    }

    @Test
    void jwksIsPublicCacheableWithStrongEtagAnd304() {
        String ip = newIp();
        Response jwks = from(ip).when().get("/v1/auth/jwks.json");
        jwks.then().statusCode(200).contentType("application/json")
                .body("keys", hasSize(1))
                .body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].kid", notNullValue())
                .body("keys[0].n", notNullValue())
                .body("keys[0].d", nullValue())
                .body("keys[0].p", nullValue());
        assertEquals("public, max-age=0, s-maxage=30, stale-while-revalidate=60, stale-if-error=300",
                String.join(", ", jwks.headers().getValues("Cache-Control")));
        String etag = jwks.header("ETag");
        assertTrue(etag.matches("\"[A-Za-z0-9_-]+\""), etag);
        Response again = from(ip).header("If-None-Match", etag).when().get("/v1/auth/jwks.json");
        again.then().statusCode(304).header("ETag", etag);
        assertEquals("", again.asString());
        assertEquals(jwks.headers().getValues("Cache-Control"), again.headers().getValues("Cache-Control"));
    }

    @Test
    void theIssuedAccessTokenCarriesTheContractsClaims() throws Exception {
        AuthApi.Account account = AuthApi.register();
        com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(account.accessToken());
        assertEquals("RS256", jwt.getHeader().getAlgorithm().getName());
        assertNotEquals(null, jwt.getHeader().getKeyID());
        Map<String, Object> claims = jwt.getJWTClaimsSet().getClaims();
        for (String claim : List.of("iss", "aud", "sub", "exp", "iat", "nbf", "jti", "role", "fid", "auth_time")) {
            assertTrue(claims.containsKey(claim), "claim " + claim + " in " + claims.keySet());
        }
        assertEquals(account.id(), jwt.getJWTClaimsSet().getSubject());
        assertEquals("user", claims.get("role"));
        assertEquals(account.refreshToken().substring(0, 36), claims.get("fid"), "the family it was issued from");
    }

    @Test
    void meOfADeletedAccountIs401() throws Exception {
        AuthApi.Account account = AuthApi.register();
        assertEquals(Integer.valueOf(1), database.<Integer>inTransaction(c -> {
            try (var delete = c.prepareStatement("DELETE FROM users WHERE id = ?::uuid")) {
                delete.setString(1, account.id());
                return delete.executeUpdate();
            }
        }));
        me(account.accessToken()).then().statusCode(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        refresh(newIp(), account.refreshToken()).then().statusCode(401);
    }

    @Test
    void credentialsAreNeverKeptForIdempotencyReplays() {
        AuthApi.Account account = AuthApi.register();
        String body = AuthApi.json("email", account.email(), "password", account.password());
        String ip = newIp(); // one client: same caller, same key, same body — a replay anywhere else
        Response first = AuthApi.from(ip).header("Idempotency-Key", "login-1").body(body).post("/v1/auth/login");
        Response second = AuthApi.from(ip).header("Idempotency-Key", "login-1").body(body).post("/v1/auth/login");
        first.then().statusCode(200);
        second.then().statusCode(200);
        assertNull(second.header("Idempotent-Replayed"));
        assertNotEquals(first.<String>path("refreshToken"), second.<String>path("refreshToken"), "a new session each time");
    }

    @Test
    void wrongMethodAndUnknownAuthRoutesAreProblems() {
        given().when().get("/v1/auth/login").then().statusCode(405).header("Allow", "POST").contentType(PROBLEM);
        given().when().get("/v1/auth/nothing").then().statusCode(404).contentType(PROBLEM);
    }
}
