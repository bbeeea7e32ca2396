package io.paddock.local;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The demo web client's address without its slash leads to it; its files are served from META-INF/resources/demo. */
@ApplicationScoped
public class DemoPage {

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
