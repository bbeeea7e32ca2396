package io.paddock.telemetry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.ids.Ids;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, finding 4: NUL in analytics parameters was a 503 (PostgreSQL refused it, taken for an outage);
 * {@code from=-999999999-01-01T00:00:00Z} and an events cursor past the long range were 500s, a cursor
 * instant PostgreSQL cannot hold a 503. All are 400 problems naming the parameter.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class UnstorableQueryTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    AccessTokens tokens;

    @Test
    void nulInAnalyticsParametersIs400() {
        String admin = tokens.issue(Ids.uuidV7(), "admin").token();
        given().auth().oauth2(admin).urlEncodingEnabled(false).queryParam("itemId", "post%00x")
                .when().get("/v1/analytics/ctr")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains("itemId"))
                .body("errors[0].message", startsWith("must not contain"));
        given().auth().oauth2(admin).urlEncodingEnabled(false).queryParam("surface", "home%00")
                .when().get("/v1/analytics/funnel")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains("surface"));
        // A lone surrogate cannot survive UTF-8 in a URL; whatever the server makes of its bytes, never a 5xx.
        for (String route : new String[] {"/v1/analytics/ctr?itemId=%ED%A0%80", "/v1/analytics/funnel?surface=%ED%B0%80"}) {
            given().auth().oauth2(admin).urlEncodingEnabled(false).when().get(route)
                    .then().statusCode(lessThan(500));
        }
    }

    @Test
    void instantsOutsideTheSaneYearsAre400() {
        String admin = tokens.issue(Ids.uuidV7(), "admin").token();
        for (String at : new String[] {"-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z",
                "1999-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "0001-01-01T00:00:00Z"}) {
            for (String name : new String[] {"from", "to"}) {
                given().auth().oauth2(admin).queryParam(name, at).when().get("/v1/events")
                        .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains(name));
                for (String route : new String[] {"/v1/analytics/ctr", "/v1/analytics/funnel"}) {
                    given().auth().oauth2(admin).queryParam(name, at).when().get(route)
                            .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains(name));
                }
            }
        }
    }

    @Test
    void eventCursorsOutsideTheSaneYearsAre400() {
        String token = tokens.issue(Ids.uuidV7(), "user").token();
        String id = UUID.randomUUID().toString();
        // Long.MAX_VALUE ms overflowed in the driver (500); year 300000 was refused by PostgreSQL (503); 0 is 1970.
        for (String millis : new String[] {String.valueOf(Long.MAX_VALUE), String.valueOf(Long.MIN_VALUE),
                "9405417600000000", "0", "4133980800000"}) {
            String cursor = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("e1|" + millis + "|999999|" + id).getBytes(StandardCharsets.UTF_8));
            given().auth().oauth2(token).queryParam("cursor", cursor).when().get("/v1/events")
                    .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains("cursor"));
        }
    }
}
