package io.paddock.auth;

import static io.paddock.auth.AuthApi.PROBLEM;
import static io.paddock.auth.AuthApi.newIp;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.auth.IssuedApiKeys;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * API keys for integrations through the Lambda adapter on the real embedded stores: an admin creates one (shown once,
 * stored hashed), it is used, listed with its last use and never its secret, revoked — and refused from the revoking
 * request on; what a key may and may not call on auth's own routes; one audit row per creation and revocation.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ApiKeysTest {

    @Inject
    Database database;

    @Inject
    AccessTokens tokens;

    private TestUser admin() {
        return new TestUsers(database.dataSource(), tokens).admin();
    }

    private static RequestSpecification as(TestUser user) {
        return given().header("X-Forwarded-For", newIp()).header("Authorization", user.bearer());
    }

    private static RequestSpecification withKey(String key) {
        return given().header("X-Forwarded-For", newIp()).header("Authorization", "ApiKey " + key);
    }

    private static Response create(TestUser admin, String body) {
        return as(admin).contentType(ContentType.JSON).body(body).when().post("/v1/admin/api-keys");
    }

    private static Response created(TestUser admin, String name, String scopes) {
        Response r = create(admin, "{\"name\":\"" + name + "\",\"scopes\":" + scopes + "}");
        r.then().statusCode(201);
        return r;
    }

    @Test
    void aKeyIsShownOnceUsedListedWithoutItsSecretAndRefusedFromItsRevocationOn() throws SQLException {
        TestUser admin = admin();
        Response made = created(admin, "  Partner dashboard  ", "[\"telemetry:write\",\"read\"]");
        made.then().header("Cache-Control", "no-store")
                .body("name", org.hamcrest.Matchers.equalTo("Partner dashboard"))
                .body("scopes", org.hamcrest.Matchers.equalTo(List.of("read", "telemetry:write")))
                .body("key", matchesPattern("pdk_[A-Za-z0-9_-]{43}"))
                .body("createdAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        String id = made.path("id");
        String key = made.path("key");
        assertEquals(1, auditRows("api_key.created", id, admin.id()));
        assertEquals(0, stored("SELECT count(*) FROM api_keys WHERE hash = convert_to(?, 'UTF8')", key),
                "the key itself is not what is stored");

        withKey(key).when().get("/v1/auth/jwks.json").then().statusCode(200);

        Response listed = as(admin).when().get("/v1/admin/api-keys");
        listed.then().statusCode(200).header("ETag", org.hamcrest.Matchers.startsWith("\""));
        // The Lambda adapter hands a comma-separated value on as separate header lines.
        assertEquals("private, no-cache", String.join(", ", listed.headers().getValues("Cache-Control")));
        Map<String, Object> entry = listed.jsonPath().getMap("items.find { it.id == '" + id + "' }");
        assertNotNull(entry.get("lastUsedAt"), "the use shows: " + entry);
        assertNull(entry.get("revokedAt"));
        assertEquals(List.of("read", "telemetry:write"), entry.get("scopes"));
        assertFalse(listed.asString().contains(key), "never the key");
        assertFalse(listed.asString().contains(key.substring(4, 20)), "nor part of it");
        assertFalse(listed.asString().toLowerCase().contains(HexFormat.of().formatHex(IssuedApiKeys.hash(key))),
                "nor its hash");
        assertFalse(entry.containsKey("hash") || entry.containsKey("key"), "fields: " + entry.keySet());

        as(admin).when().delete("/v1/admin/api-keys/" + id).then().statusCode(204).header("Cache-Control", "no-store");
        withKey(key).when().get("/v1/auth/jwks.json").then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", "ApiKey error=\"invalid_key\"");

        as(admin).when().delete("/v1/admin/api-keys/" + id).then().statusCode(204);
        assertEquals(1, auditRows("api_key.revoked", id, admin.id()), "revoking twice writes one row");
        assertEquals(1, auditRows("api_key.created", id, admin.id()));
        Map<String, Object> after = as(admin).when().get("/v1/admin/api-keys").jsonPath()
                .getMap("items.find { it.id == '" + id + "' }");
        assertNotNull(after.get("revokedAt"), "a revoked key stays listed: " + after);
    }

    @Test
    void lastUsedAtMovesAtMostOnceAMinuteNotOnEveryRequest() throws SQLException {
        TestUser admin = admin();
        Response made = created(admin, "busy", "[\"read\"]");
        String key = made.path("key");
        UUID id = UUID.fromString(made.path("id"));
        assertNull(lastUsed(id), "not used yet");
        withKey(key).when().get("/v1/auth/jwks.json").then().statusCode(200);
        java.time.Instant first = lastUsed(id);
        assertNotNull(first);
        for (int i = 0; i < 3; i++) {
            withKey(key).when().get("/v1/auth/jwks.json").then().statusCode(200);
        }
        assertEquals(first, lastUsed(id), "uses within the minute write nothing");
    }

    @Test
    void aKeyIsNotAUserAndMayMakeNoMutationOfAuth() {
        TestUser admin = admin();
        String key = created(admin, "everything it can", "[\"read\",\"telemetry:write\"]").path("key");
        withKey(key).when().get("/v1/auth/me").then().statusCode(403).contentType(PROBLEM)
                .body("type", org.hamcrest.Matchers.endsWith("/problems/insufficient-scope"))
                .body("detail", containsString("user's access token"));
        withKey(key).when().get("/v1/admin/api-keys").then().statusCode(403).contentType(PROBLEM);
        withKey(key).contentType(ContentType.JSON).body("{\"name\":\"child\",\"scopes\":[\"read\"]}")
                .when().post("/v1/admin/api-keys").then().statusCode(403)
                .body("type", org.hamcrest.Matchers.endsWith("/problems/insufficient-scope"));
        withKey(key).when().delete("/v1/admin/users/" + UUID.randomUUID()).then().statusCode(403);
        withKey(key).contentType(ContentType.JSON).body("{\"email\":\"a@example.com\",\"password\":\"whatever-it-is\"}")
                .when().post("/v1/auth/login").then().statusCode(403)
                .body("type", org.hamcrest.Matchers.endsWith("/problems/insufficient-scope"))
                .header("WWW-Authenticate", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void aKeyWithoutTheReadScopeCannotReadAndAnUnknownOrMalformedKeyIsA401() {
        TestUser admin = admin();
        String telemetryOnly = created(admin, "events only", "[\"telemetry:write\"]").path("key");
        withKey(telemetryOnly).when().get("/v1/auth/jwks.json").then().statusCode(403)
                .body("type", org.hamcrest.Matchers.endsWith("/problems/insufficient-scope"))
                .header("WWW-Authenticate", "ApiKey error=\"insufficient_scope\"");
        for (String unknown : new String[] {"pdk_" + "A".repeat(43), "pdk_short", "not-a-key", ""}) {
            withKey(unknown).when().get("/v1/auth/jwks.json").then().statusCode(401).contentType(PROBLEM)
                    .header("WWW-Authenticate", "ApiKey error=\"invalid_key\"");
        }
        // Bearer's challenge is unchanged, for a refused token and for an unknown scheme.
        given().header("X-Forwarded-For", newIp()).header("Authorization", "Basic dXNlcjpwYXNz").when().get("/v1/auth/me")
                .then().statusCode(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    @Test
    void unknownDuplicateOrMissingScopesAndBadNamesAre400sNamingTheValues() {
        TestUser admin = admin();
        create(admin, "{\"name\":\"x\",\"scopes\":[\"read\",\"write\",\"admin\"]}").then().statusCode(400).contentType(PROBLEM)
                .body("errors.find { it.field == 'scopes' }.message", containsString("unknown: write, admin"));
        create(admin, "{\"name\":\"x\",\"scopes\":[\"read\",\"read\"]}").then().statusCode(400)
                .body("errors.find { it.field == 'scopes' }.message", containsString("named twice: read"));
        create(admin, "{\"name\":\"x\",\"scopes\":[]}").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("scopes"));
        create(admin, "{\"name\":\"   \",\"scopes\":[\"read\"]}").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("name"));
        create(admin, "{\"name\":\"" + "n".repeat(101) + "\",\"scopes\":[\"read\"]}").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("name"));
        create(admin, "{\"scopes\":[\"read\"]}").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("name"));
        create(admin, "{\"name\":\"x\",\"scopes\":[\"read\"],\"extra\":1}").then().statusCode(400);
        create(admin, "{\"name\":\"x\",\"scopes\":[1]}").then().statusCode(400);
    }

    @Test
    void revokingAnIdNeverIssuedIs404AndAMalformedIdIs400() {
        TestUser admin = admin();
        as(admin).when().delete("/v1/admin/api-keys/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
        as(admin).when().delete("/v1/admin/api-keys/not-a-uuid").then().statusCode(400).contentType(PROBLEM);
        TestUser user = new TestUsers(database.dataSource(), tokens).user();
        as(user).when().get("/v1/admin/api-keys").then().statusCode(403);
        given().header("X-Forwarded-For", newIp()).when().get("/v1/admin/api-keys").then().statusCode(401);
    }

    @Test
    void theCreationIsNeverReplayedForAnIdempotencyKeyEachRequestMakesItsOwnKey() {
        TestUser admin = admin();
        String idempotencyKey = "create-" + UUID.randomUUID();
        String body = "{\"name\":\"retried\",\"scopes\":[\"read\"]}";
        Response first = as(admin).header("Idempotency-Key", idempotencyKey).contentType(ContentType.JSON).body(body)
                .when().post("/v1/admin/api-keys");
        Response second = as(admin).header("Idempotency-Key", idempotencyKey).contentType(ContentType.JSON).body(body)
                .when().post("/v1/admin/api-keys");
        first.then().statusCode(201);
        second.then().statusCode(201).header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue());
        assertNotEquals(first.<String>path("id"), second.<String>path("id"));
        assertNotEquals(first.<String>path("key"), second.<String>path("key"));
    }

    @Test
    void theListIsNewestFirstAndPagedWithACursor() {
        TestUser admin = admin();
        for (int i = 0; i < 3; i++) {
            created(admin, "paged " + i, "[\"read\"]");
        }
        Response page = as(admin).queryParam("limit", "2").when().get("/v1/admin/api-keys");
        page.then().statusCode(200);
        List<String> firstIds = page.jsonPath().getList("items.id");
        List<String> created = page.jsonPath().getList("items.createdAt");
        assertEquals(2, firstIds.size());
        assertTrue(created.get(0).compareTo(created.get(1)) >= 0, "newest first: " + created);
        String cursor = page.path("nextCursor");
        assertNotNull(cursor);
        List<String> nextIds = as(admin).queryParam("limit", "2").queryParam("cursor", cursor).when()
                .get("/v1/admin/api-keys").jsonPath().getList("items.id");
        assertFalse(nextIds.isEmpty());
        assertTrue(nextIds.stream().noneMatch(firstIds::contains), "no key twice across pages");
        as(admin).queryParam("cursor", "forged").when().get("/v1/admin/api-keys").then().statusCode(400);
        String etag = page.header("ETag");
        as(admin).queryParam("limit", "2").header("If-None-Match", etag).when().get("/v1/admin/api-keys")
                .then().statusCode(304).header("ETag", etag);
    }


    private java.time.Instant lastUsed(UUID id) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT last_used_at FROM api_keys WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant();
            }
        }
    }

    private int auditRows(String action, String target, UUID actor) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM audit_events WHERE action = ? "
                        + "AND target_id = ? AND actor_id = ?")) {
            s.setString(1, action);
            s.setString(2, target);
            s.setObject(3, actor);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private int stored(String sql, String value) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
