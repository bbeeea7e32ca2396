package io.paddock.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The calls a simulation makes before its load starts (sign-ins, a post to act on, the entity ids of the seed),
 * with the JDK's client, each from the viewer address it is given. They are not part of the measured load; a
 * refusal stops the simulation before it starts, naming the call.
 */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Api() {
    }

    /** A signed-in user as the load plays it: its handle, its token and the viewer address it comes from. */
    record SignedIn(String handle, String accessToken, String address) {
    }

    static SignedIn login(String email, String password, String address) {
        JsonNode session = call("POST", "/v1/auth/login", Map.of("email", email, "password", password), null, address, 200);
        return new SignedIn(session.path("user").path("handle").asText(), session.path("accessToken").asText(), address);
    }

    static SignedIn register(String email, String password, String handle, String address) {
        JsonNode session = call("POST", "/v1/auth/register", Map.of("email", email, "password", password, "handle", handle), null, address, 201);
        return new SignedIn(handle, session.path("accessToken").asText(), address);
    }

    static String publish(SignedIn author, String body) {
        return call("POST", "/v1/posts", Map.of("body", body), author.accessToken(), author.address(), 201).path("post").path("id").asText();
    }

    /** The entities the posts on these users' first public pages target (read from addresses addressPrefix + 1…250). */
    static List<String> entitiesTargetedBy(List<String> handles, String addressPrefix, int atMost) {
        Set<String> entities = new LinkedHashSet<>();
        int n = 0;
        for (String handle : handles) {
            // One address per read: a read limit (100 a minute, 25 a second) holds for each address.
            String address = addressPrefix + (1 + n++ % 250);
            for (JsonNode post : call("GET", "/v1/feed/users/" + handle, null, null, address, 200).path("items")) {
                post.path("targetEntityIds").forEach(id -> entities.add(id.asText()));
            }
            if (entities.size() >= atMost) {
                break;
            }
        }
        return entities.stream().limit(atMost).toList();
    }

    /** The bytes of a page as a viewer gets it (what the static floor copies). */
    static byte[] page(String path, String address) {
        HttpResponse<byte[]> response = send(request("GET", path, null, null, address), HttpResponse.BodyHandlers.ofByteArray());
        expect(response.statusCode(), 200, "GET " + path);
        return response.body();
    }

    /** The status of one GET, or -1 when nothing answers. */
    static int status(String path, String address) {
        try {
            return send(request("GET", path, null, null, address), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    private static JsonNode call(String method, String path, Object body, String token, String address, int expected) {
        HttpResponse<String> response = send(request(method, path, body, token, address), HttpResponse.BodyHandlers.ofString());
        expect(response.statusCode(), expected, method + " " + path);
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": not JSON: " + response.body(), e);
        }
    }

    private static HttpRequest request(String method, String path, Object body, String token, String address) {
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(Target.BASE_URL + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json")
                    .header("X-Forwarded-For", address)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (body != null) {
                builder.header("Content-Type", "application/json");
            }
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            return builder.build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return CLIENT.send(request, handler);
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(int status, int expected, String what) {
        if (status != expected) {
            throw new IllegalStateException(what + " answered " + status + ", not " + expected + " (before the load started)");
        }
    }
}
