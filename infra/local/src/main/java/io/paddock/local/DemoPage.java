package io.paddock.local;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The demo web client (clients/web-demo, served from META-INF/resources/demo): its page policy, and its address
 * without the slash leading to it. Only this local app serves it.
 */
@ApplicationScoped
public class DemoPage {

    /** Its own files only, no inline code; it may call an API on another origin (?api=), whose CORS settings decide. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self' http: https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    void policy(@Observes Filters filters) {
        // After HttpConventions (priority 1000), which gives every answer the API's policy (default-src 'none').
        filters.register(rc -> {
            String path = rc.request().path();
            if (path.equals("/demo") || path.startsWith("/demo/")) {
                rc.response().putHeader("Content-Security-Policy", POLICY);
            }
            rc.next();
        }, 900);
    }

    void redirect(@Observes Router router) {
        // Vert.x matches "/demo" for "/demo/" too: only the address without the slash is redirected.
        router.get("/demo").handler(rc -> {
            if (!rc.request().path().equals("/demo")) {
                rc.next();
                return;
            }
            rc.response().setStatusCode(308).putHeader("Location", "/demo/").putHeader("Cache-Control", "no-store").end();
        });
    }
}
