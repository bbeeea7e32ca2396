package io.paddock.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.audit.AuditTrail;
import io.paddock.shared.auth.AccessTokens;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The admin actions of this function leave exactly one row each in the audit trail, and GET /v1/admin/audit reads
 * the trail back, on the real Lambda path and the embedded stores. Every test acts on users of its own, so it
 * counts rows by its own target.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class AuditTrailTest {

    private static final String PROBLEM = "application/problem+json";
    private static final AtomicInteger NEXT = new AtomicInteger(1 + (int) (System.nanoTime() % 50_000));

    @Inject
    AccessTokens tokens;

    @Inject
    Database database;

    @Inject
    AuditTrail trail;

    record Row(String action, UUID actor, String target, String requestId, String clientAddress, String details) {
    }

    @Test
    void settingAnOverrideLeavesExactlyOneRowAndItsIdempotentReplayNone() throws SQLException {
        TestUser admin = users().admin();
        TestUser user = users().user();
        String ip = newIp();
        String requestId = "audit-override-" + UUID.randomUUID();
        String key = "audit-" + UUID.randomUUID();
        for (String replayed : new String[] {null, "true"}) {
            from(ip).header("Authorization", admin.bearer()).header("X-Request-Id", requestId).header("Idempotency-Key", key)
                    .body("{\"tier\":\"partner\",\"multipliers\":{\"read\":2}}")
                    .put("/v1/admin/rate-limits/overrides/" + user.id()).then().statusCode(200)
                    .header("Idempotent-Replayed", replayed == null ? nullValue() : equalTo(replayed));
        }
        List<Row> rows = rows(user.id().toString());
        assertEquals(1, rows.size(), "one set, replayed once: " + rows);
        Row row = rows.get(0);
        assertEquals(AuditAction.RATE_LIMIT_OVERRIDE_SET.code(), row.action());
        assertEquals(admin.id(), row.actor());
        assertEquals(requestId, row.requestId());
        assertEquals(ip, row.clientAddress());
        assertEquals("{\"tier\": \"partner\", \"multipliers\": {\"read\": 2.0}}", row.details());
    }

    @Test
    void removingAnOverrideLeavesExactlyOneRow() throws SQLException {
        TestUser admin = users().admin();
        TestUser user = users().user();
        as(admin).body("{}").put("/v1/admin/rate-limits/overrides/" + user.id()).then().statusCode(200);
        List<Row> rows = rows(user.id().toString());
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(AuditAction.RATE_LIMIT_OVERRIDE_REMOVED.code(), rows.get(0).action());
        assertEquals(null, rows.get(0).details(), "nothing to say but the action");
    }

    @Test
    void anOverrideRefusedLeavesNoRow() throws SQLException {
        TestUser admin = users().admin();
        TestUser user = users().user();
        as(admin).body("{\"tier\":\"gold\"}").put("/v1/admin/rate-limits/overrides/" + user.id()).then().statusCode(400);
        as(users().user()).body("{\"tier\":\"partner\"}").put("/v1/admin/rate-limits/overrides/" + user.id())
                .then().statusCode(403);
        UUID nobody = UUID.randomUUID();
        as(admin).body("{\"tier\":\"partner\"}").put("/v1/admin/rate-limits/overrides/" + nobody).then().statusCode(404);
        assertEquals(List.of(), rows(user.id().toString()));
        assertEquals(List.of(), rows(nobody.toString()));
    }

    @Test
    void anUnblockLeavesExactlyOneRowNamingTheKeyInItsOneSpelling() throws SQLException {
        TestUser admin = users().admin();
        int n = NEXT.incrementAndGet();
        String spelled = "2001:DB8:0:0:0:0:" + Integer.toHexString(n) + ":1";
        String key = "ip:2001:db8::" + Integer.toHexString(n) + ":1";
        as(admin).delete("/v1/admin/rate-limits/blocks/ip:" + spelled).then().statusCode(204);
        List<Row> rows = rows(key);
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(AuditAction.RATE_LIMIT_UNBLOCKED.code(), rows.get(0).action());
        assertEquals(admin.id(), rows.get(0).actor());
        assertEquals("{\"edgeBlockLifted\": false}", rows.get(0).details());
        as(admin).delete("/v1/admin/rate-limits/blocks/host:example.com").then().statusCode(400);
        assertEquals(List.of(), rows("host:example.com"));
    }

    @Test
    void theTableTakesEveryActionOfTheTrailAndNoOther() throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                for (AuditAction action : AuditAction.values()) {
                    trail.record(c, action, null, "every-action-check", null);
                }
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT count(*), count(*) FILTER (WHERE request_id IS NULL AND client_address IS NULL) "
                                + "FROM audit_events WHERE target_id = 'every-action-check'")) {
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        assertEquals(AuditAction.values().length, rs.getInt(1));
                        assertEquals(AuditAction.values().length, rs.getInt(2), "outside a request: no request id, no address");
                    }
                }
            } finally {
                c.rollback();
            }
            SQLException refused = assertThrows(SQLException.class, () -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_events (id, action) VALUES (?, 'auth.unknown')")) {
                    s.setObject(1, UUID.randomUUID());
                    s.executeUpdate();
                }
            });
            assertEquals("23514", refused.getSQLState());
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    @Test
    void theTrailIsForAdminsOnly() {
        from(newIp()).get("/v1/admin/audit").then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .header("X-RateLimit-Limit", notNullValue());
        as(users().user()).get("/v1/admin/audit").then().statusCode(403).contentType(PROBLEM);
    }

    @Test
    void pagesWalkTheTrailNewestFirstWithoutGapsOrRepeatsAndFiltersCombine() {
        TestUser admin = users().admin();
        TestUser other = users().admin();
        TestUser user = users().user();
        String path = "/v1/admin/rate-limits/overrides/" + user.id();
        as(admin).body("{\"tier\":\"partner\"}").put(path).then().statusCode(200);
        as(other).body("{\"multipliers\":{\"write\":3}}").put(path).then().statusCode(200);
        as(admin).body("{}").put(path).then().statusCode(200);

        Response first = as(admin).queryParam("target", user.id().toString()).queryParam("limit", "2").get("/v1/admin/audit");
        first.then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.action", contains("rate_limit.override_removed", "rate_limit.override_set"))
                .body("items.actorId", contains(admin.id().toString(), other.id().toString()));
        String cursor = first.path("nextCursor");
        assertTrue(cursor != null, "a third row follows");
        as(admin).queryParam("target", user.id().toString()).queryParam("limit", "2").queryParam("cursor", cursor)
                .get("/v1/admin/audit").then().statusCode(200)
                .body("items.action", contains("rate_limit.override_set"))
                .body("items[0].actorId", equalTo(admin.id().toString()))
                .body("items[0].details.tier", equalTo("partner"))
                .body("nextCursor", nullValue());

        as(admin).queryParam("target", user.id().toString()).queryParam("actor", other.id().toString())
                .get("/v1/admin/audit").then().statusCode(200)
                .body("items.details.multipliers.write", contains(3.0f));
        as(admin).queryParam("target", user.id().toString()).queryParam("action", "rate_limit.override_set")
                .get("/v1/admin/audit").then().statusCode(200).body("items", hasSize(2));
        String newest = first.path("items[0].at");
        as(admin).queryParam("target", user.id().toString()).queryParam("from", "2000-01-01T00:00:00Z").queryParam("to", newest)
                .get("/v1/admin/audit").then().statusCode(200)
                .body("items.action", containsInAnyOrder("rate_limit.override_set", "rate_limit.override_set"));
    }

    @Test
    void eachRowAnswersWithTheContractsFieldsAndThePageIsPrivatelyCacheable() {
        TestUser admin = users().admin();
        TestUser user = users().user();
        String ip = newIp();
        String requestId = "audit-fields-" + UUID.randomUUID();
        from(ip).header("Authorization", admin.bearer()).header("X-Request-Id", requestId).body("{\"tier\":\"partner\"}")
                .put("/v1/admin/rate-limits/overrides/" + user.id()).then().statusCode(200);
        Response page = as(admin).queryParam("target", user.id().toString()).get("/v1/admin/audit");
        page.then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].id", matchesPattern("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))
                .body("items[0].action", equalTo("rate_limit.override_set"))
                .body("items[0].actorId", equalTo(admin.id().toString()))
                .body("items[0].targetId", equalTo(user.id().toString()))
                .body("items[0].at", matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"))
                .body("items[0].requestId", equalTo(requestId))
                .body("items[0].clientAddress", equalTo(ip))
                .body("items[0].details.tier", equalTo("partner"))
                .body("nextCursor", nullValue());
        assertEquals("private, no-cache", String.join(", ", page.headers().getValues("Cache-Control")));
        assertTrue(page.headers().getValues("Vary").contains("Authorization"), page.headers().getValues("Vary").toString());
        String tag = page.header("ETag");
        as(admin).queryParam("target", user.id().toString()).header("If-None-Match", tag).get("/v1/admin/audit")
                .then().statusCode(304).header("ETag", tag);
    }

    @Test
    void badFiltersAreA400NamingEachParameter() {
        TestUser admin = users().admin();
        as(admin).queryParam("actor", "nobody").queryParam("action", "auth.everything").queryParam("limit", "0")
                .queryParam("from", "yesterday").get("/v1/admin/audit").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", containsInAnyOrder("actor", "action", "limit", "from"));
        as(admin).queryParam("from", "2026-02-01T00:00:00Z").queryParam("to", "2026-01-01T00:00:00Z")
                .get("/v1/admin/audit").then().statusCode(400).body("errors.field", contains("from"));
        as(admin).queryParam("target", "x".repeat(201)).get("/v1/admin/audit").then().statusCode(400)
                .body("errors.field", contains("target"));
        as(admin).queryParam("target", "nul\u0000").get("/v1/admin/audit").then().statusCode(400)
                .body("errors.field", contains("target"));
        for (String forged : new String[] {"not-a-cursor", "YTF8MXwxfG5vdC1hLXV1aWQ", "ZTF8MTcwMDAwMDAwMDAwMHwwfDAxOTAwMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA",
                "YTF8OTk5OTk5OTk5OTk5OTl8MHwwMTkwMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA"}) {
            // Not base64 at all; a malformed id; another route's cursor (telemetry's e1); a time past 2100.
            as(admin).queryParam("cursor", forged).get("/v1/admin/audit").then().statusCode(400).contentType(PROBLEM)
                    .body("errors.field", contains("cursor"));
        }
    }

    /** The document's lists of actions are written out (annotation values); they must be the trail's. */
    @Test
    void theDocumentListsExactlyTheActionsOfTheTrail() throws Exception {
        org.eclipse.microprofile.openapi.annotations.media.Schema field = AuditPage.AuditEntry.class
                .getDeclaredField("action").getAnnotation(org.eclipse.microprofile.openapi.annotations.media.Schema.class);
        assertEquals(AuditAction.codes(), List.of(field.enumeration()));
        java.lang.reflect.Method list = AuditResource.class.getMethod("list", String.class, String.class, String.class,
                String.class, String.class, String.class, String.class);
        org.eclipse.microprofile.openapi.annotations.parameters.Parameter action = list.getParameters()[2]
                .getAnnotation(org.eclipse.microprofile.openapi.annotations.parameters.Parameter.class);
        assertEquals(AuditAction.codes(), List.of(action.schema().enumeration()));
    }

    @Test
    void aCursorTheServerIssuedRoundTripsToTheMicrosecond() {
        AuditPage.Cursor cursor = new AuditPage.Cursor(java.time.Instant.parse("2026-12-02T11:00:00.123456Z"),
                UUID.fromString("01900000-0000-7000-8000-000000000000"));
        assertEquals(cursor, AuditPage.Cursor.decode(cursor.encode()));
    }

    /** The rows of the trail naming {@code target}, oldest first. */
    private List<Row> rows(String target) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT action, actor_id, target_id, request_id, host(client_address), "
                        + "details::text FROM audit_events WHERE target_id = ? ORDER BY at, id")) {
            s.setString(1, target);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
        }
        return rows;
    }

    private TestUsers users() {
        return new TestUsers(database.dataSource(), tokens);
    }

    private static String newIp() {
        int n = NEXT.incrementAndGet();
        return "10.78." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private static RequestSpecification from(String ip) {
        return given().header("X-Forwarded-For", ip).contentType(ContentType.JSON);
    }

    private static RequestSpecification as(TestUser user) {
        return from(newIp()).header("Authorization", user.bearer());
    }
}
