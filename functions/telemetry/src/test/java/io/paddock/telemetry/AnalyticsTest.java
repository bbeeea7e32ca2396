package io.paddock.telemetry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.ids.Ids;
import io.paddock.shared.redis.ServedFeeds;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class AnalyticsTest {

    @Inject
    AccessTokens tokens;

    @Inject
    ServedFeeds servedFeeds;

    /** The events of one public feed response, served as the feed function records it (CTR counts only those). */
    private void send(String item, String surface, String... types) {
        String feedRequestId = "public-feed-" + UUID.randomUUID();
        servedFeeds.record(feedRequestId, null, Duration.ofMinutes(10), Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> servedFeeds.servedTo(null, Set.of(feedRequestId),
                Duration.ofSeconds(1)).orElse(Set.of()).contains(feedRequestId));
        StringBuilder body = new StringBuilder("{\"anonymousId\":\"an-" + UUID.randomUUID() + "\",\"events\":[");
        String at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS).toString();
        for (int i = 0; i < types.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(UUID.randomUUID()).append("\",\"type\":\"")
                    .append(types[i]).append("\",\"itemId\":\"").append(item).append("\",\"surface\":\"").append(surface)
                    .append("\",\"feedRequestId\":\"").append(feedRequestId)
                    .append("\",\"occurredAt\":\"").append(at).append("\"}");
        }
        given().contentType(ContentType.JSON).body(body.append("]}").toString()).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(types.length));
    }

    @Test
    void ctrOfAnItemIsClicksOverImpressions() {
        String item = "post-" + UUID.randomUUID();
        send(item, "home", "impression", "impression", "impression", "impression", "click");
        String admin = tokens.issue(Ids.uuidV7(), "admin").token();
        given().auth().oauth2(admin).queryParam("itemId", item).when().get("/v1/analytics/ctr")
                .then().statusCode(200)
                .body("items[0].itemId", equalTo(item))
                .body("items[0].impressions", equalTo(4))
                .body("items[0].clicks", equalTo(1))
                .body("items[0].ctr", equalTo(0.25f));
        given().auth().oauth2(admin).queryParam("itemId", "never-seen").when().get("/v1/analytics/ctr")
                .then().statusCode(200).body("items[0].impressions", equalTo(0)).body("items[0].ctr", nullValue());
    }

    @Test
    void funnelCountsEachStepOfOneSurface() {
        String surface = "s" + UUID.randomUUID().toString().substring(0, 8);
        send("post-a", surface, "impression", "impression", "impression", "open", "open", "like", "save", "share", "click");
        given().auth().oauth2(tokens.issue(Ids.uuidV7(), "admin").token()).queryParam("surface", surface)
                .when().get("/v1/analytics/funnel")
                .then().statusCode(200)
                .body("impressions", equalTo(3)).body("opens", equalTo(2))
                .body("likes", equalTo(1)).body("saves", equalTo(1)).body("shares", equalTo(1));
    }

    @Test
    void funnelReportsTheMedianDwellOfStartEndPairs() {
        String surface = "d" + UUID.randomUUID().toString().substring(0, 8);
        Instant t = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        String admin = tokens.issue(Ids.uuidV7(), "admin").token();
        given().auth().oauth2(admin).queryParam("surface", surface).when().get("/v1/analytics/funnel")
                .then().statusCode(200).body("medianDwellMs", nullValue());
        // Three pairs (1 s, 3 s, 10 s) on three items; an end without a start and a start without an end pair with nothing.
        StringBuilder body = new StringBuilder("{\"anonymousId\":\"dw-" + UUID.randomUUID() + "\",\"events\":[");
        String[][] events = {
                {"a", "dwell_start", "0"}, {"a", "dwell_end", "1000"},
                {"b", "dwell_start", "0"}, {"b", "dwell_end", "3000"},
                {"c", "dwell_start", "0"}, {"c", "dwell_end", "10000"},
                {"d", "dwell_end", "500"}, {"e", "dwell_start", "0"}};
        for (int i = 0; i < events.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(UUID.randomUUID())
                    .append("\",\"type\":\"").append(events[i][1]).append("\",\"itemId\":\"").append(events[i][0])
                    .append("\",\"surface\":\"").append(surface).append("\",\"occurredAt\":\"")
                    .append(t.plusMillis(Long.parseLong(events[i][2]))).append("\"}");
        }
        given().contentType(ContentType.JSON).body(body.append("]}").toString()).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(events.length));
        given().auth().oauth2(admin).queryParam("surface", surface).when().get("/v1/analytics/funnel")
                .then().statusCode(200).body("medianDwellMs", equalTo(3000.0f));
    }

    @Test
    void analyticsAreForAdminsOnlyAndRangesAreBounded() {
        given().auth().oauth2(tokens.issue(Ids.uuidV7(), "user").token()).when().get("/v1/analytics/ctr")
                .then().statusCode(403).contentType("application/problem+json");
        given().when().get("/v1/analytics/funnel").then().statusCode(401);
        String admin = tokens.issue(Ids.uuidV7(), "admin").token();
        given().auth().oauth2(admin).queryParam("from", "2026-01-01T00:00:00Z").queryParam("to", "2026-06-01T00:00:00Z")
                .when().get("/v1/analytics/funnel")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().auth().oauth2(admin).queryParam("from", "2026-11-02T00:00:00Z").queryParam("to", "2026-11-01T00:00:00Z")
                .when().get("/v1/analytics/ctr")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().auth().oauth2(admin).queryParam("limit", "500").when().get("/v1/analytics/ctr")
                .then().statusCode(400).body("errors[0].field", equalTo("limit"));
    }
}
