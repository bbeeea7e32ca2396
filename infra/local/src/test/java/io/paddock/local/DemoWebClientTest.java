package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The demo web client (clients/web-demo) as the local app serves it; what it does in a browser is
 * clients/browser/demo.test.mjs (module clients).
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class DemoWebClientTest {

    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self' http: https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Test
    void theDemoIsServedAtDemoWithAPolicyThatAllowsOnlyItsOwnFiles() {
        given().when().get("/demo/")
                .then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", PAGE_POLICY)
                .header("X-Frame-Options", "DENY")
                .body(containsString("<script type=\"module\" src=\"demo.js\"></script>"));
        given().when().get("/demo/demo.js")
                .then().statusCode(200)
                .contentType(containsString("javascript"))
                .header("Content-Security-Policy", PAGE_POLICY);
    }

    @Test
    void theAddressWithoutItsSlashLeadsToTheDemo() {
        given().redirects().follow(false).when().get("/demo")
                .then().statusCode(308)
                .header("Location", "/demo/");
    }

    @Test
    void answersOutsideTheDemoKeepTheApiPolicy() {
        given().when().get("/demo-not")
                .then().statusCode(404)
                .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }
}
