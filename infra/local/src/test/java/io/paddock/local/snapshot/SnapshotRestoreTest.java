package io.paddock.local.snapshot;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.ids.RenewableRandom;
import io.paddock.shared.snapshot.SnapshotHooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A SnapStart checkpoint and restore, simulated on this JVM, with all four functions' routes (the all-routes
 * local app) on the embedded stores: real requests open PostgreSQL and Redis connections and sign in; the
 * checkpoint hooks run; every connection still open is then cut the way a restored copy finds it — dead,
 * silently ({@link StoreRelay}) — and PostgreSQL, Redis and DynamoDB are restarted (on the same ports, PostgreSQL
 * keeping its data, DynamoDB Local's in-memory tables coming back empty); the restore hooks run; and then each
 * function must answer its representative requests correctly the first time they are sent: no 503, nothing
 * parked or degraded, and not one byte written into a connection from before the snapshot.
 *
 * <p>What a normal JVM cannot show: a real restore also resumes threads mid-flight, moves the wall clock
 * (which ends IAM tokens, DynamoDB keep-alive connections and the Redis pool's recycle time by itself), gives
 * the copy a new network identity, and runs the hooks from the managed runtime's org.crac context — here the
 * test calls them, as org.crac's stand-in context never does. No IAM sign-in happens here (the embedded stores
 * take passwords; {@code RdsIamSignInTest} and {@code ElastiCacheIamSignInTest} cover tokens). Two copies of one
 * JVM cannot run side by side either: {@link #twoCopiesRestoredFromOneSnapshotDrawDifferentRandomness} stands
 * for them with two generators in the same state, which is what the snapshot gives each copy.
 */
@QuarkusTest
@TestProfile(SnapshotRestoreTest.Relayed.class)
class SnapshotRestoreTest {

    public static class Relayed implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RelayedStores.class));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "snapshot-restore-2026";
    /** Every wait of this test is bounded; a request on a dead connection would otherwise hang it. */
    private static final Duration REQUEST_LIMIT = Duration.ofSeconds(30);

    @Inject
    SnapshotHooks hooks;

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyFunctionAnswersItsFirstRequestsAfterARestoreWithoutAStaleConnection() throws Exception {
        StoreRelay postgres = RelayedStores.postgres();
        StoreRelay redis = RelayedStores.redis();
        String handle = "snap_" + UUID.randomUUID().toString().substring(0, 8);
        String email = handle + "@example.com";

        // Init and priming, as far as connections go: real requests of every function open them.
        assertEquals(201, send("POST", "/v1/auth/register", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"handle\":\"" + handle + "\"}").statusCode());
        JsonNode session = JSON.readTree(expect(200, send("POST", "/v1/auth/login", null, login(email))));
        expect(201, send("POST", "/v1/posts", session.get("accessToken").asText(), "{\"body\":\"before the snapshot\"}"));
        expect(200, send("GET", "/v1/feed/home", session.get("accessToken").asText(), null));
        expect(200, send("GET", "/v1/health", null, null));
        assertTrue(postgres.liveConnections() > 0 && redis.liveConnections() > 0,
                "the requests before the checkpoint must leave pooled connections, or there is nothing to test");

        hooks.beforeCheckpoint(null);
        // What goes into the snapshot: no connection.
        await().atMost(Duration.ofSeconds(10)).until(() -> postgres.liveConnections() == 0 && redis.liveConnections() == 0);

        // The restored copy: whatever connection it inherited is dead, and the stores are not the ones it knew.
        postgres.cutOpenConnectionsSilently();
        redis.cutOpenConnectionsSilently();
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        stores.stopPostgres();
        stores.startPostgres();
        stores.stopRedis();
        stores.startRedis();
        stores.stopDynamo();
        stores.startDynamo();
        int postgresConnectionsBefore = postgres.connectionsOpened();
        int redisConnectionsBefore = redis.connectionsOpened();

        hooks.afterRestore(null);

        // Each function's representative requests, each sent once: the first answer must be the right one.
        JsonNode health = JSON.readTree(expect(200, send("GET", "/v1/health", null, null)));
        assertEquals("ok", health.get("status").asText(), health.toString());
        expect(200, send("GET", "/v1/rate-limits", null, null));
        JsonNode restored = JSON.readTree(expect(200, send("POST", "/v1/auth/login", null, login(email))));
        String token = restored.get("accessToken").asText();
        expect(200, send("GET", "/v1/auth/me", token, null));
        expect(200, send("POST", "/v1/auth/refresh", null, "{\"refreshToken\":\"" + restored.get("refreshToken").asText() + "\"}"));
        expect(201, send("POST", "/v1/posts", token, "{\"body\":\"after the restore\"}"));
        String home = expect(200, send("GET", "/v1/feed/home", token, null));
        assertTrue(home.contains("after the restore"), home);
        JsonNode events = JSON.readTree(expect(202, send("POST", "/v1/events", token, "{\"events\":[{\"eventId\":\""
                + UUID.randomUUID() + "\",\"type\":\"impression\",\"itemId\":\"post-1\",\"surface\":\"home\",\"occurredAt\":\""
                + Instant.now() + "\"}]}")));
        assertFalse(events.path("parked").asBoolean(), "the batch was parked: PostgreSQL looked down " + events);

        assertEquals(0, postgres.bytesSentIntoCutConnections(), "a request was sent on a PostgreSQL connection from before the snapshot");
        assertEquals(0, redis.bytesSentIntoCutConnections(), "a command was sent on a Redis connection from before the snapshot");
        assertTrue(postgres.connectionsOpened() > postgresConnectionsBefore && redis.connectionsOpened() > redisConnectionsBefore,
                "the restored app opened connections of its own");
    }

    @Test
    void twoCopiesRestoredFromOneSnapshotDrawDifferentRandomness() throws NoSuchAlgorithmException {
        // Two copies of one snapshot hold the same generator state: stood for by two generators seeded alike.
        RenewableRandom copyA = RenewableRandom.startingFrom(seeded());
        RenewableRandom copyB = RenewableRandom.startingFrom(seeded());
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        copyA.nextBytes(a);
        copyB.nextBytes(b);
        assertArrayEquals(a, b, "the stand-in must share its state, as restored copies do");

        hooks.afterRestore(null);

        copyA.nextBytes(a);
        copyB.nextBytes(b);
        assertFalse(java.util.Arrays.equals(a, b), "after the restore hook, copies must no longer draw the same bytes");
    }

    private static SecureRandom seeded() throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(new byte[] {1, 2, 3, 4});
        return random;
    }

    private static String login(String email) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}";
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path)).timeout(REQUEST_LIMIT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String expect(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.request().method() + " " + response.request().uri().getPath()
                + " answered " + response.statusCode() + ": " + response.body());
        return response.body();
    }
}
