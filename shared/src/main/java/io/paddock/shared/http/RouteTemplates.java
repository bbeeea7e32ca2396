package io.paddock.shared.http;

import io.paddock.shared.observability.RequestRecords;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Writes the matched route template (e.g. /v1/feed/users/{handle}) and its function on the request's record. */
public class RouteTemplates {

    private record Route(String template, String service) {
    }

    /** Worked out once per resource method, not per request. */
    private static final ConcurrentHashMap<Method, Route> ROUTES = new ConcurrentHashMap<>();

    @ServerRequestFilter
    public void remember(RoutingContext rc, ResourceInfo info) {
        Method method = info.getResourceMethod();
        if (method != null) {
            Route route = route(info);
            RequestRecords.of(rc).route(route.template(), route.service());
        }
    }

    /**
     * The template of the matched resource method: one name for every spelling of a path that reaches it
     * ({@code /v1/posts} and {@code /v1/posts/} alike). Only for filters that run after matching.
     */
    public static String of(ResourceInfo info) {
        return route(info).template();
    }

    private static Route route(ResourceInfo info) {
        return ROUTES.computeIfAbsent(info.getResourceMethod(),
                m -> new Route(template(info.getResourceClass(), m), service(info.getResourceClass())));
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
