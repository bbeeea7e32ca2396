package io.paddock.telemetry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.ids.Ids;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET /v1/events: a user sees their own events only; admins may look at anyone's. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class OwnEventsTest {

    @Inject
    AccessTokens tokens;

    /** Three consecutive days ending yesterday: inside the 7 days the API accepts, whenever the test runs. */
    private static final LocalDate FIRST_DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);

    private String send(String token, int n, String type) {
        StringBuilder body = new StringBuilder("{\"events\":[");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(UUID.randomUUID())
                    .append("\",\"type\":\"").append(type).append("\",\"occurredAt\":\"").append(FIRST_DAY.plusDays(i % 3))
                    .append("T10:00:0").append(i % 10).append(".000Z\"}");
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body(body.append("]}").toString())
                .when().post("/v1/events").then().statusCode(202).body("accepted", equalTo(n));
        return token;
    }

    @Test
    void usersSeeOnlyTheirOwnEventsAcrossPagesWithoutGapsOrDuplicates() {
        UUID ada = Ids.uuidV7();
        String adaToken = send(tokens.issue(ada, "user").token(), 7, "click");
        send(tokens.issue(Ids.uuidV7(), "user").token(), 3, "click");

        Set<String> seen = new HashSet<>();
        List<String> order = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().auth().oauth2(adaToken).queryParam("limit", 3);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.when().get("/v1/events").then().statusCode(200)
                    .header("ETag", notNullValue())
                    .body("items.userId", everyItem(equalTo(ada.toString())))
                    .extract();
            // Vary may come as several headers (Origin on every response, Authorization on personal ones).
            assertTrue(page.headers().getValues("Vary").contains("Authorization"), page.headers().getValues("Vary").toString());
            // The mock Lambda event server splits comma-joined values into repeated headers; join them back.
            assertEquals("private, no-cache", String.join(", ", page.headers().getValues("Cache-Control")));
            List<String> ids = page.path("items.eventId");
            List<String> times = page.path("items.occurredAt");
            ids.forEach(id -> assertEquals(true, seen.add(id), "duplicate " + id));
            order.addAll(times);
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(7, seen.size());
        assertEquals(3, pages);
        List<String> sorted = new ArrayList<>(order);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, order, "newest first");
    }

    @Test
    void filtersByTypeAndTime() {
        UUID user = Ids.uuidV7();
        String token = send(tokens.issue(user, "user").token(), 3, "like");
        send(token, 2, "share");
        given().auth().oauth2(token).queryParam("type", "share").when().get("/v1/events")
                .then().statusCode(200).body("items", hasSize(2)).body("items.type", everyItem(equalTo("share")))
                .body("nextCursor", nullValue());
        given().auth().oauth2(token).queryParam("from", FIRST_DAY.plusDays(1) + "T00:00:00Z").queryParam("to", FIRST_DAY.plusDays(2) + "T00:00:00Z")
                .when().get("/v1/events")
                .then().statusCode(200).body("items.occurredAt", everyItem(containsString(FIRST_DAY.plusDays(1) + "T")));
    }

    @Test
    void adminsMayReadAnyUserOthersGet403ForUserId() {
        UUID grace = Ids.uuidV7();
        send(tokens.issue(grace, "user").token(), 2, "open");
        String someone = tokens.issue(Ids.uuidV7(), "user").token();
        given().auth().oauth2(someone).queryParam("userId", grace.toString()).when().get("/v1/events")
                .then().statusCode(403).contentType("application/problem+json");
        String admin = tokens.issue(Ids.uuidV7(), "admin").token();
        given().auth().oauth2(admin).queryParam("userId", grace.toString()).when().get("/v1/events")
                .then().statusCode(200).body("items", hasSize(2)).body("items.userId", hasItem(grace.toString()));
    }

    @Test
    void noTokenIs401AndBadParametersAre400WithTheField() {
        given().when().get("/v1/events").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        String token = tokens.issue(Ids.uuidV7(), "user").token();
        for (String[] bad : new String[][] {{"limit", "0"}, {"limit", "101"}, {"limit", "abc"},
                {"cursor", "forged"}, {"cursor", "ZTF8MXwyfG5vdC1hLXV1aWQ"}, {"from", "yesterday"}, {"type", "teleport"}}) {
            given().auth().oauth2(token).queryParam(bad[0], bad[1]).when().get("/v1/events")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(bad[0]));
        }
        String admin = tokens.issue(Ids.uuidV7(), "admin").token();
        given().auth().oauth2(admin).queryParam("userId", "not-a-uuid").when().get("/v1/events")
                .then().statusCode(400).body("errors[0].field", equalTo("userId"));
    }
}
