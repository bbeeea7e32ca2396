package io.paddock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.CloudFormationTemplate;
import io.paddock.embedded.TemplateTables;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexReader;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.junit.jupiter.api.Test;

/**
 * template.yaml is the single source of the deployed routes: every route a function's code serves
 * must be an HttpApi event of that same function, and every event must be served by it — except the
 * contract routes whose issue is still open, listed in {@link #NOT_YET_SERVED} with that issue.
 */
class RouteParityTest {

    /** Contract routes already in template.yaml whose code lands with the named issue. Shrinks to empty. */
    static final Map<String, Integer> NOT_YET_SERVED = Map.of();

    static final String CATCH_ALL = "ANY $default";
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    private static final Pattern AREA_OF_CODE_URI = Pattern.compile("functions/([a-z]+)/target/function\\.zip");

    @Test
    void everyServedRouteIsInTemplateOnItsOwnFunctionAndViceVersa() throws IOException {
        Map<String, String> served = routesInCode();
        Map<String, String> deployed = routesInTemplate(TemplateTables.packagedTemplate());
        List<String> problems = compare(served, deployed);
        assertTrue(problems.isEmpty(), "routes of code and template.yaml differ:\n  " + String.join("\n  ", problems));
    }

    @Test
    void healthIsServedByTheRateLimitFunction() throws IOException {
        assertEquals("ratelimit", routesInCode().get("GET /v1/health"));
    }

    /** Unknown routes, wrong methods and CORS preflights must reach a function to get the contract's answers. */
    @Test
    void unmatchedRequestsGoToTheRateLimitFunction() {
        Map<String, String> all = new TreeMap<>();
        for (CloudFormationTemplate.Route route : TemplateTables.packagedTemplate().httpApiRoutes()) {
            all.put(route.method() + " " + route.path(), route.functionId());
        }
        assertEquals("RateLimitFunction", all.get(CATCH_ALL));
    }

    /** The check itself must catch each kind of drift, or a green run means nothing. */
    @Test
    void parityCheckCatchesAMissingAMovedAndAnUnlistedRoute() throws IOException {
        Map<String, String> served = routesInCode();
        Map<String, String> deployed = routesInTemplate(TemplateTables.packagedTemplate());

        Map<String, String> removedFromTemplate = new TreeMap<>(deployed);
        removedFromTemplate.remove("GET /v1/health");
        assertTrue(compare(served, removedFromTemplate).stream().anyMatch(p -> p.contains("GET /v1/health")));

        Map<String, String> movedInTemplate = new TreeMap<>(deployed);
        movedInTemplate.put("GET /v1/health", "feed");
        assertTrue(compare(served, movedInTemplate).stream().anyMatch(p -> p.contains("GET /v1/health")));

        Map<String, String> extraInCode = new TreeMap<>(served);
        extraInCode.put("GET /v1/secret", "feed");
        assertTrue(compare(extraInCode, deployed).stream().anyMatch(p -> p.contains("GET /v1/secret")));

        Map<String, String> removedFromCode = new TreeMap<>(served);
        removedFromCode.remove("GET /v1/health");
        assertTrue(compare(removedFromCode, deployed).stream().anyMatch(p -> p.contains("GET /v1/health")));
    }

    static List<String> compare(Map<String, String> served, Map<String, String> deployed) {
        List<String> problems = new ArrayList<>();
        served.forEach((route, area) -> {
            String deployedArea = deployed.get(route);
            if (deployedArea == null) {
                problems.add(route + " is served by " + area + " but is not in template.yaml");
            } else if (!deployedArea.equals(area)) {
                problems.add(route + " is served by " + area + " but template.yaml maps it to " + deployedArea);
            }
            if (NOT_YET_SERVED.containsKey(route)) {
                problems.add(route + " is served now: take it off NOT_YET_SERVED (issue " + NOT_YET_SERVED.get(route) + ")");
            }
        });
        deployed.forEach((route, area) -> {
            if (!served.containsKey(route) && !NOT_YET_SERVED.containsKey(route)) {
                problems.add(route + " is in template.yaml (" + area + ") but no code serves it");
            }
        });
        for (String pending : NOT_YET_SERVED.keySet()) {
            if (!deployed.containsKey(pending)) {
                problems.add(pending + " is listed as not yet served but is missing from template.yaml");
            }
        }
        return problems;
    }

    /** "METHOD /path" → area (feed, auth, ratelimit, telemetry), from each function's Jandex index. */
    static Map<String, String> routesInCode() throws IOException {
        Map<String, String> routes = new TreeMap<>();
        routeMethods().forEach((route, method) ->
                routes.put(route, method.declaringClass().name().packagePrefix().replace("io.paddock.", "").split("\\.")[0]));
        return routes;
    }

    /** "METHOD /path" → the resource method serving it, from each function's Jandex index. */
    static Map<String, MethodInfo> routeMethods() throws IOException {
        Map<String, MethodInfo> routes = new TreeMap<>();
        Enumeration<URL> indexes = RouteParityTest.class.getClassLoader().getResources("META-INF/jandex.idx");
        DotName path = DotName.createSimple("jakarta.ws.rs.Path");
        while (indexes.hasMoreElements()) {
            IndexView index;
            try (InputStream in = indexes.nextElement().openStream()) {
                index = new IndexReader(in).read();
            }
            for (AnnotationInstance annotation : index.getAnnotations(path)) {
                ClassInfo resource = annotation.target().kind() == org.jboss.jandex.AnnotationTarget.Kind.CLASS
                        ? annotation.target().asClass() : null;
                if (resource == null || !resource.name().toString().startsWith("io.paddock.")) {
                    continue;
                }
                for (MethodInfo method : resource.methods()) {
                    for (AnnotationInstance a : method.declaredAnnotations()) {
                        String simple = a.name().withoutPackagePrefix();
                        if (a.name().toString().startsWith("jakarta.ws.rs.") && HTTP_METHODS.contains(simple)) {
                            AnnotationInstance sub = method.declaredAnnotation(path);
                            String template = join(annotation.value().asString(), sub == null ? "" : sub.value().asString());
                            routes.put(simple + " " + template, method);
                        }
                    }
                }
            }
        }
        return routes;
    }

    static Map<String, String> routesInTemplate(CloudFormationTemplate template) {
        Map<String, String> routes = new TreeMap<>();
        for (CloudFormationTemplate.Route route : template.httpApiRoutes()) {
            String codeUri = template.codeUri(route.functionId()).orElse("");
            Matcher m = AREA_OF_CODE_URI.matcher(codeUri);
            String key = route.method() + " " + route.path();
            if (!key.equals(CATCH_ALL)) {
                routes.put(key, m.find() ? m.group(1) : route.functionId());
            }
        }
        return routes;
    }

    private static String join(String base, String sub) {
        String joined = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    @Test
    void sharedLibraryServesNoRoutesOfItsOwn() throws IOException {
        Set<String> areas = new TreeSet<>(routesInCode().values());
        assertTrue(Set.of("feed", "auth", "ratelimit", "telemetry").containsAll(areas), "areas: " + areas);
    }
}
