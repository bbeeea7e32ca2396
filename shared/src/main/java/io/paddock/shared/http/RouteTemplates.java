package io.paddock.shared.http;

import io.paddock.shared.observability.RequestLog;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Puts the matched route template (e.g. /v1/feed/users/{handle}) where the request log finds it. */
public class RouteTemplates {

    private static final ConcurrentHashMap<Method, String> TEMPLATES = new ConcurrentHashMap<>();

    @ServerRequestFilter
    public void remember(RoutingContext rc, ResourceInfo info) {
        Method method = info.getResourceMethod();
        if (method != null) {
            rc.put(RequestLog.ROUTE_KEY, TEMPLATES.computeIfAbsent(method, m -> template(info.getResourceClass(), m)));
            rc.put(RequestLog.SERVICE_KEY, service(info.getResourceClass()));
        }
    }

    /** The function a route belongs to (io.paddock.feed.* → feed): its metrics' Service, locally too. */
    static String service(Class<?> resource) {
        String[] parts = resource.getPackageName().split("\\.");
        return parts.length >= 3 && parts[0].equals("io") && parts[1].equals("paddock") ? parts[2] : "paddock";
    }

    static String template(Class<?> resource, Method method) {
        String base = resource.isAnnotationPresent(Path.class) ? resource.getAnnotation(Path.class).value() : "";
        String sub = method.isAnnotationPresent(Path.class) ? method.getAnnotation(Path.class).value() : "";
        String joined = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }
}
