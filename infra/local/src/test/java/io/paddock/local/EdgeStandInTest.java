package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.paddock.edge.EdgeMain;
import io.paddock.edge.NginxConfig;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.ratelimit.EdgeOffenders;
import io.paddock.shared.testing.TestUsers;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge stand-in on real parts: Debian's nginx with the configuration generated from template.yaml and
 * infra/edge/waf.yaml, in front of this app on its embedded stores (which, like the template's functions,
 * trusts one forwarded hop). Simulation mode lets one machine play many viewers: the edge takes a local
 * client's X-Forwarded-For as the viewer's address. The edge's auth limit is lowered to waf.yaml's minimum
 * (10 a minute) through the generator's parameter override, as a deploy would override it.
 *
 * <p>Skipped when nginx cannot be found or installed, unless PADDOCK_EDGE_CHECKS=required (.ci/run).
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
@TestProfile(EdgeStandInTest.PublicPagesOutliveTheTest.class)
class EdgeStandInTest {

    /**
     * The public feeds' lifetime at the edge raised from 30 s to an hour, so that what the cache does never
     * depends on how fast this machine runs the test.
     */
    public static class PublicPagesOutliveTheTest implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("paddock.feed.public-cache-control",
                    "public, max-age=0, s-maxage=3600, stale-while-revalidate=60, stale-if-error=300",
                    // The origin's per-second auth burst (10) above the edge's limit, so the edge's refusal is the first.
                    "paddock.rate-limits.policies", "{categories: {auth: {burst: 100}}}");
        }
    }

    static final int EDGE_AUTH_LIMIT = 10;

    private static Path prefix;
    private static Path nginx;
    private static Process edge;
    private static int edgePort;

    @Inject
    AccessTokens tokens;

    @Inject
    Database database;

    @Inject
    EdgeOffenders offenders;

    @BeforeEach
    void edgeInFrontOfTheApp() throws Exception {
        if (edge != null) {
            return;
        }
        nginx = nginxOrSkip();
        Path root = repositoryRoot();
        prefix = Path.of("target/edge-stand-in").toAbsolutePath();
        deleteTree(prefix);
        edgePort = freePort();
        EdgeMain.write(new EdgeMain.Options(root.resolve("template.yaml"), root.resolve("infra/edge/waf.yaml"),
                new NginxConfig.Settings(prefix, edgePort, URI.create("http://127.0.0.1:" + RestAssured.port), true, Optional.empty()),
                Map.of("AuthRequestsPerMinute", EDGE_AUTH_LIMIT)));
        edge = new ProcessBuilder(nginxCommand("-g", "daemon off;"))
                .redirectErrorStream(true).redirectOutput(prefix.resolve("nginx.out").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!edge.isAlive()) {
                fail("nginx stopped: " + Files.readString(prefix.resolve("nginx.out")) + read(prefix.resolve("error.log")));
            }
            try (Socket ignored = new Socket("127.0.0.1", edgePort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stopTheEdge() throws InterruptedException {
        if (edge != null) {
            edge.destroy(); // SIGTERM: nginx's fast shutdown, its worker with it
            if (!edge.waitFor(20, TimeUnit.SECONDS)) {
                edge.destroyForcibly();
            }
            edge = null;
        }
    }

    @Test
    void aPublicProfileFeedIsAMissThenAHitReplayedWithoutAskingTheOrigin() {
        TestUser author = authorWithAPost();
        String path = "/v1/feed/users/" + author.handle();

        Response miss = viewer("203.0.113.10").get(path);
        assertEquals(200, miss.statusCode(), miss.asString());
        assertEquals("MISS", miss.header("X-Cache"));
        assertTrue(miss.header("Cache-Control").startsWith("public"), miss.header("Cache-Control"));

        Response hit = viewer("203.0.113.11").get(path);
        assertEquals(200, hit.statusCode());
        assertEquals("HIT", hit.header("X-Cache"));
        assertEquals(miss.asString(), hit.asString());
        assertEquals(miss.header("ETag"), hit.header("ETag"));
        // The origin's own answer replayed: its request id, not a new one.
        assertEquals(miss.header("X-Request-Id"), hit.header("X-Request-Id"));

        // The public behaviour never forwards Authorization (nor puts it in the key): a signed-in viewer gets the same page.
        Response signedIn = viewer("203.0.113.12").header("Authorization", author.bearer()).get(path);
        assertEquals("HIT", signedIn.header("X-Cache"));
        assertEquals(miss.asString(), signedIn.asString());

        // The query string is part of the key: another page size is another entry.
        assertEquals("MISS", viewer("203.0.113.10").queryParam("limit", 1).get(path).header("X-Cache"));
    }

    @Test
    void aPersonalHomeFeedIsNeverStoredAtTheEdge() {
        TestUser reader = new TestUsers(database.dataSource(), tokens).user();
        for (int i = 0; i < 2; i++) {
            Response home = viewer("203.0.113.20").header("Authorization", reader.bearer()).get("/v1/feed/home");
            assertEquals(200, home.statusCode(), home.asString());
            assertEquals("PASS", home.header("X-Cache"), "the default behaviour is CachingDisabled");
            assertEquals("private, no-cache", home.header("Cache-Control"));
        }
    }

    @Test
    void aViewerWhoseCopyIsCurrentGets304FromTheEdge() {
        TestUser author = authorWithAPost();
        String path = "/v1/feed/users/" + author.handle();
        String etag = viewer("203.0.113.30").get(path).header("ETag");

        Response notModified = viewer("203.0.113.31").header("If-None-Match", etag).get(path);
        assertEquals(304, notModified.statusCode());
        assertEquals("HIT", notModified.header("X-Cache"));
        assertEquals(etag, notModified.header("ETag"));
        assertEquals("", notModified.asString());

        Response changed = viewer("203.0.113.31").header("If-None-Match", "\"another-version\"").get(path);
        assertEquals(200, changed.statusCode());
    }

    @Test
    void theOriginCountsEachViewerByTheAddressTheEdgeForwards() {
        for (int i = 0; i < 3; i++) {
            assertEquals(400, register(viewer("203.0.113.40")).statusCode());
        }
        assertEquals(17, authRemaining("203.0.113.40"), "the origin counted the three at the viewer's address");
        assertEquals(20, authRemaining("203.0.113.41"), "another viewer through the same edge has its own count");
    }

    @Test
    void pastTheWafAuthLimitTheEdgeRefusesWith429AndTheOriginNeverSeesTheRequest() throws IOException {
        String flooder = "203.0.113.50";
        for (int i = 0; i < EDGE_AUTH_LIMIT; i++) {
            Response answer = register(viewer(flooder));
            assertEquals(400, answer.statusCode(), "request " + (i + 1) + " reaches the origin: " + answer.asString());
        }
        Response refused = register(viewer(flooder));
        assertEquals(429, refused.statusCode());
        assertEquals("BLOCKED", refused.header("X-Cache"));
        assertEquals("60", refused.header("Retry-After"));
        assertEquals("https://paddock.dev/problems/quota-exceeded", refused.jsonPath().getString("type"));

        assertEquals(400, register(viewer("203.0.113.51")).statusCode(), "another viewer is not held back");
        // The edge wrote each request's line; the refused one has no origin status.
        await().atMost(Duration.ofSeconds(10)).until(() -> accessLines(flooder).size() == EDGE_AUTH_LIMIT + 1);
        List<String> lines = accessLines(flooder);
        assertEquals(EDGE_AUTH_LIMIT, lines.stream().filter(l -> l.contains("origin=400")).count(), String.join("\n", lines));
        assertEquals(1, lines.stream().filter(l -> l.contains(" 429 ") && l.contains("origin=-")).count(), String.join("\n", lines));
    }

    @Test
    void anOffenderTheOriginRecordedIsRefusedAtTheEdgeOnceTheListIsSynced() throws Exception {
        TestUser author = authorWithAPost();
        String path = "/v1/feed/users/" + author.handle();
        String offender = "203.0.113.60";
        assertEquals(200, viewer(offender).get(path).statusCode());

        offenders.record(offender, Duration.ofMinutes(5));
        EdgeOffenderSync sync = new EdgeOffenderSync(PaddockStoresTestResource.stores().databaseUrl(), prefix.resolve("offenders.conf"));
        try {
            assertTrue(sync.runOnce().added().contains(offender + "/32"));
            reload();
            await().atMost(Duration.ofSeconds(30)).until(() -> viewer(offender).get(path).statusCode() == 429);
            Response blocked = viewer(offender).get(path);
            assertEquals("3600", blocked.header("Retry-After"));
            assertEquals("BLOCKED", blocked.header("X-Cache"));
            Response other = viewer("203.0.113.61").get(path);
            assertEquals(200, other.statusCode());
            assertNotEquals("BLOCKED", other.header("X-Cache"));
        } finally {
            offenders.unblock(offender);
            sync.runOnce();
            reload();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> viewer(offender).get(path).statusCode() == 200);
    }

    private RequestSpecification viewer(String address) {
        return given().baseUri("http://127.0.0.1").port(edgePort).header("X-Forwarded-For", address);
    }

    private static Response register(RequestSpecification viewer) {
        return viewer.contentType(ContentType.JSON).body("{}").post("/v1/auth/register");
    }

    private int authRemaining(String address) {
        Response standing = viewer(address).get("/v1/rate-limits");
        assertEquals(200, standing.statusCode(), standing.asString());
        assertEquals("PASS", standing.header("X-Cache"));
        return standing.jsonPath().getInt("categories.auth.remaining");
    }

    private TestUser authorWithAPost() {
        TestUser author = new TestUsers(database.dataSource(), tokens).user();
        given().auth().oauth2(author.token()).contentType(ContentType.JSON).body("{\"body\":\"seen through the edge\"}")
                .post("/v1/posts").then().statusCode(201);
        return author;
    }

    private static List<String> accessLines(String address) throws IOException {
        return Files.readAllLines(prefix.resolve("access.log"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith(address + " ")).toList();
    }

    private static void reload() throws Exception {
        Process reload = new ProcessBuilder(nginxCommand("-s", "reload")).redirectErrorStream(true).start();
        String output = new String(reload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, reload.waitFor(), output);
    }

    private static List<String> nginxCommand(String... extra) {
        List<String> command = new ArrayList<>(List.of(nginx.toString(), "-p", prefix.toString(),
                "-c", prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("error.log").toString()));
        command.addAll(List.of(extra));
        return command;
    }

    /** infra/edge/nginx.sh finds nginx or installs Debian's nginx-light; without it the test skips, unless required. */
    private static Path nginxOrSkip() throws Exception {
        Process finder = new ProcessBuilder("sh", repositoryRoot().resolve("infra/edge/nginx.sh").toString()).start();
        String path = new String(finder.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String why = new String(finder.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (finder.waitFor() != 0 || path.isEmpty()) {
            if ("required".equals(System.getenv("PADDOCK_EDGE_CHECKS"))) {
                fail("PADDOCK_EDGE_CHECKS=required and no nginx: " + why);
            }
            Assumptions.abort("no nginx for the edge stand-in (set PADDOCK_EDGE_CHECKS=required to fail instead): " + why);
        }
        return Path.of(path);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("infra/edge/waf.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no infra/edge/waf.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
