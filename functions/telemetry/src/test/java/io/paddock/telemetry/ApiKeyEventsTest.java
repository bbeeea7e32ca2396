package io.paddock.telemetry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.ApiKeyScope;
import io.paddock.shared.auth.IssuedApiKeys;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestApiKeys;
import io.paddock.shared.testing.TestApiKeys.TestApiKey;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/events with an API key: telemetry:write sends events, which are anonymous events (no user id); read alone
 * may not; no key reads anyone's events or the analytics, which need a user.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ApiKeyEventsTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    Database database;

    @Inject
    IssuedApiKeys issued;

    private TestApiKey key(ApiKeyScope... scopes) {
        return new TestApiKeys(database.dataSource(), issued).withScopes(scopes);
    }

    private static RequestSpecification with(TestApiKey key) {
        return given().header("Authorization", key.authorization()).contentType(ContentType.JSON);
    }

    private static String batch(String anonymousId, UUID eventId) {
        return "{\"anonymousId\":\"" + anonymousId + "\",\"events\":[{\"eventId\":\"" + eventId
                + "\",\"type\":\"impression\",\"itemId\":\"post-1\",\"occurredAt\":\""
                + Instant.now().truncatedTo(ChronoUnit.MILLIS) + "\"}]}";
    }

    @Test
    void aTelemetryKeySendsEventsThatBelongToNoUser() {
        String anon = "integration-" + UUID.randomUUID();
        with(key(ApiKeyScope.TELEMETRY_WRITE)).body(batch(anon, UUID.randomUUID())).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1));
        assertEquals(1, count("SELECT count(*) FROM usage_events WHERE anonymous_id = '" + anon + "' AND user_id IS NULL"));
    }

    @Test
    void aReadKeyMayNotSendEvents() {
        String anon = "integration-" + UUID.randomUUID();
        with(key(ApiKeyScope.READ)).body(batch(anon, UUID.randomUUID())).when().post("/v1/events")
                .then().statusCode(403).contentType(PROBLEM).body("type", endsWith("/problems/insufficient-scope"))
                .header("WWW-Authenticate", "ApiKey error=\"insufficient_scope\"");
        assertEquals(0, count("SELECT count(*) FROM usage_events WHERE anonymous_id = '" + anon + "'"));
    }

    @Test
    void noKeyReadsEventsOrAnalyticsWhichNeedAUser() {
        TestApiKey both = key(ApiKeyScope.READ, ApiKeyScope.TELEMETRY_WRITE);
        with(both).when().get("/v1/events").then().statusCode(403).body("type", endsWith("/problems/insufficient-scope"));
        with(both).when().get("/v1/analytics/ctr").then().statusCode(403);
    }

    @Test
    void aRevokedTelemetryKeyIsRefused() {
        TestApiKeys keys = new TestApiKeys(database.dataSource(), issued);
        TestApiKey key = keys.withScopes(ApiKeyScope.TELEMETRY_WRITE);
        keys.revoke(key);
        with(key).body(batch("integration-" + UUID.randomUUID(), UUID.randomUUID())).when().post("/v1/events")
                .then().statusCode(401).header("WWW-Authenticate", "ApiKey error=\"invalid_key\"");
    }

    private long count(String sql) {
        try {
            return database.inTransaction(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
