package io.paddock.shared.http;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The JAX-RS routes of this function, so that a 405 can say which methods a path does allow
 * ({@code Allow}, RFC 9110 §15.5.6) — Quarkus REST raises the 405 without it — and so that
 * {@link HttpConventions} knows whether a body it refuses belongs to a route ({@link BodyRefusals}).
 */
@ApplicationScoped
public class RouteTable {

    record Route(String method, Pattern path) {
    }

    private volatile List<Route> routes;

    public Set<String> allowedMethods(String path) {
        String routed = routable(path);
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes()) {
            if (route.path().matcher(routed).matches()) {
                allowed.add(route.method());
            }
        }
        return allowed;
    }

    /** Whether a JAX-RS route of this function answers {@code method} on {@code path}. */
    public boolean answers(String method, String path) {
        return allowedMethods(path).contains(method);
    }

    /**
     * The path as Quarkus REST matches it: without matrix parameters ({@code ;jsessionid=1}), with repeated
     * slashes folded and without a trailing slash — otherwise a 405 it raised for such a path would find
     * no route here and name no method.
     */
    static String routable(String path) {
        String folded = path.replaceAll(";[^/]*", "").replaceAll("/{2,}", "/");
        return folded.length() > 1 && folded.endsWith("/") ? folded.substring(0, folded.length() - 1) : folded;
    }

    private List<Route> routes() {
        List<Route> known = routes;
        if (known == null) {
            known = discover();
            routes = known;
        }
        return known;
    }

    private static List<Route> discover() {
        List<Route> found = new ArrayList<>();
        for (InjectableBean<?> bean : Arc.container().beanManager().getBeans(Object.class,
                jakarta.enterprise.inject.Any.Literal.INSTANCE).stream()
                .filter(InjectableBean.class::isInstance).map(b -> (InjectableBean<?>) b).toList()) {
            Class<?> type = bean.getBeanClass();
            if (!type.isAnnotationPresent(Path.class)) {
                continue;
            }
            for (Method method : type.getMethods()) {
                for (Annotation annotation : method.getAnnotations()) {
                    HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                    if (http != null) {
                        found.add(new Route(http.value(), pattern(RouteTemplates.template(type, method))));
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    /** /v1/feed/users/{handle} → ^/v1/feed/users/[^/]+$ (regex-constrained params {id: ...} included). */
    static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                regex.append(Pattern.quote(template.substring(i)));
                break;
            }
            regex.append(Pattern.quote(template.substring(i, open)));
            int close = template.indexOf('}', open);
            regex.append("[^/]+");
            i = close + 1;
        }
        return Pattern.compile(regex.toString());
    }
}
