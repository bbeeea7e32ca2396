package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.embedded.StandInProvidersTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * infra/openapi.yaml held to the server: every operation of the document is driven through the local stack — a
 * valid call, each documented error the local stack can produce on demand, the conditional GET — and every answer
 * is checked against what the document declares for it ({@link DocumentedResponses}: status, headers, body). The
 * list of operations comes from the document, so an operation added without a scenario here fails the test.
 *
 * <p>503 is driven where DynamoDB alone makes it (stopped for a moment: keyed mutations, the session routes,
 * health). Not driven: the 503 of routes that need PostgreSQL or Redis (the fault suite under {@code faults/} covers
 * those outages), 409 of an Idempotency-Key still in flight (a race, {@code ConcurrentIdempotencyTest}), the 304 of
 * health (its body carries each store's latency, so a tag matches only by chance), the 422 of DELETE /v1/auth/me (its
 * key reused with another request needs a token the first request revoked: that is a 401). They are printed as
 * declared but not exercised.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
@QuarkusTestResource(StandInProvidersTestResource.class)
class OpenApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NEXT_IP = new AtomicInteger(1 + (int) (System.nanoTime() % 60_000));
    private static final AtomicInteger NEXT_USER = new AtomicInteger();
    private static final String PASSWORD = "contract-check-2026";
    private static final String TOO_LARGE = "{\"body\":\"" + "x".repeat(300 * 1024) + "\"}";
    private static final String MALFORMED = "{\"a\":";
    private static final Map<String, String> RANGE = Map.of("from", "2026-01-01T00:00:00.000Z", "to", "2026-01-31T00:00:00.000Z");

    @Inject
    AccessTokens tokens;

    private DocumentedResponses documented;
    /** Answers that break the document. */
    private final List<String> mismatches = new ArrayList<>();
    /** Scenarios that did not get the status they were written to produce (so their coverage would be a lie). */
    private final List<String> unexpected = new ArrayList<>();
    private final Map<String, Set<Integer>> exercised = new TreeMap<>();

    record Session(String id, String handle, String email, String accessToken, String refreshToken) {
    }

    @BeforeEach
    void readTheDocumentAndSeedTheDemoAccounts() throws IOException {
        documented = new DocumentedResponses(OpenApiDocumentTest.document());
        LocalData.seed(PaddockStoresTestResource.stores().databaseUrl());
    }

    @Test
    void everyOperationAnswersAsTheDocumentDeclares() {
        Map<String, Runnable> scenarios = scenarios();
        List<String> operations = documented.operations();
        List<String> withoutScenario = new ArrayList<>();
        for (String operation : operations) {
            Runnable scenario = scenarios.get(operation);
            if (scenario == null) {
                withoutScenario.add(operation);
            } else {
                scenario.run();
            }
        }
        tooManyRequests();
        dynamoDbDown();

        int declared = 0;
        List<String> neverExercised = new ArrayList<>();
        for (String operation : operations) {
            for (String status : documented.declaredStatuses(operation)) {
                declared++;
                if (!exercised.getOrDefault(operation, Set.of()).contains(Integer.parseInt(status))) {
                    neverExercised.add(operation + " " + status);
                }
            }
        }
        // Covered: answered at least once with success, so the operation's main schema was held to a real body.
        List<String> covered = operations.stream()
                .filter(o -> exercised.getOrDefault(o, Set.of()).stream().anyMatch(status -> status / 100 == 2)).toList();
        int responses = declared - neverExercised.size();
        System.out.printf("OpenAPI contract: operations covered %d/%d (%d%%); responses (operation x status) covered "
                + "%d of %d declared; mismatches %d%n", covered.size(), operations.size(),
                100 * covered.size() / operations.size(), responses, declared, mismatches.size());
        System.out.println("OpenAPI contract: declared but never exercised: " + neverExercised);

        assertEquals(List.of(), withoutScenario, "operations of the document without a scenario here");
        assertEquals(33, operations.size(), "operations of the document");
        assertEquals(operations, covered, "operations answered with success at least once");
        assertEquals(List.of(), unexpected, "scenarios that did not get the status they were written for");
        assertEquals(List.of(), mismatches, mismatches.size() + " mismatches between the answers and the document");
    }

    /** The real answer passes; the same answer with one field renamed does not. */
    @Test
    void aFieldRenamedInARealAnswerIsReported() throws IOException {
        Response login = login("ada@example.com", "paddock-demo-2026");
        DocumentedResponses.Answer real = answerOf(login);
        assertEquals(List.of(), documented.mismatches("POST /v1/auth/login", real));

        ObjectNode body = (ObjectNode) JSON.readTree(login.asByteArray());
        body.set("access_token", body.remove("accessToken"));
        List<String> found = documented.mismatches("POST /v1/auth/login", withBody(real, body));
        assertTrue(found.stream().anyMatch(m -> m.contains("access_token")), "not reported: " + found);
    }

    @Test
    void aFieldOfAnotherTypeInARealAnswerIsReported() throws IOException {
        Response login = login("ada@example.com", "paddock-demo-2026");
        ObjectNode body = (ObjectNode) JSON.readTree(login.asByteArray());
        body.put("expiresIn", body.path("expiresIn").asText() + " seconds");
        ((ObjectNode) body.path("user")).putNull("handle");
        List<String> found = documented.mismatches("POST /v1/auth/login", withBody(answerOf(login), body));
        assertTrue(found.stream().anyMatch(m -> m.contains("/expiresIn")), "expiresIn not reported: " + found);
        assertTrue(found.stream().anyMatch(m -> m.contains("/user/handle")), "user.handle not reported: " + found);
    }

    @Test
    void aRequiredHeaderDroppedFromARealAnswerIsReported() {
        DocumentedResponses.Answer real = answerOf(login("ada@example.com", "paddock-demo-2026"));
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(real.headers());
        headers.remove("X-Request-Id");
        List<String> found = documented.mismatches("POST /v1/auth/login",
                new DocumentedResponses.Answer(real.status(), headers, real.contentType(), real.body()));
        assertEquals(List.of("POST /v1/auth/login 200: required header X-Request-Id missing"), found);
    }

    @Test
    void aPromisedHeaderSentWhereTheResponseDoesNotDeclareItIsReported() {
        DocumentedResponses.Answer real = answerOf(login("ada@example.com", "paddock-demo-2026"));
        Map<String, String> headers = new TreeMap<>(real.headers());
        headers.put("Retry-After", "5");
        List<String> found = documented.mismatches("POST /v1/auth/login",
                new DocumentedResponses.Answer(real.status(), headers, real.contentType(), real.body()));
        assertEquals(List.of("POST /v1/auth/login 200: header Retry-After sent but not declared for this response"), found);
    }

    @Test
    void aStatusTheOperationDoesNotDeclareIsReportedEvenWhereDefaultWouldCoverIt() {
        DocumentedResponses.Answer real = answerOf(login("ada@example.com", "paddock-demo-2026"));
        for (int status : new int[] {418, 404}) {
            List<String> found = documented.mismatches("POST /v1/auth/login",
                    new DocumentedResponses.Answer(status, real.headers(), real.contentType(), real.body()));
            assertEquals(List.of("POST /v1/auth/login " + status + ": status not declared (only default would cover it)"),
                    found);
        }
    }

    @Test
    void aContentTypeTheResponseDoesNotDeclareIsReported() {
        DocumentedResponses.Answer real = answerOf(login("ada@example.com", "paddock-demo-2026"));
        List<String> found = documented.mismatches("POST /v1/auth/login",
                new DocumentedResponses.Answer(real.status(), real.headers(), "text/html; charset=utf-8", real.body()));
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("content type text/html; charset=utf-8 not declared"), found.toString());
    }

    // --- the scenarios, one per operation of the document ---

    private Map<String, Runnable> scenarios() {
        Session ada = sessionOf(login("ada@example.com", "paddock-demo-2026"));
        Session author = register();
        Session reader = register();
        String entityId = expect(201, "POST /v1/entities", as(author).contentType("application/json")
                .body("{\"kind\":\"team\",\"name\":\"Contract " + NEXT_USER.get() + "\"}")).path("entity.id");
        String postId = expect(201, "POST /v1/posts", as(author).contentType("application/json")
                .body("{\"body\":\"Held to the document\",\"targetEntityIds\":[\"" + entityId + "\"]}")).path("post.id");
        String unknown = UUID.randomUUID().toString();

        Map<String, Runnable> scenarios = new LinkedHashMap<>();
        scenarios.put("POST /v1/auth/register", () -> {
            Session taken = register();
            expect(409, "POST /v1/auth/register", json(request(), registration(taken.email(), "other_" + taken.handle())));
            bodyErrors("POST /v1/auth/register", this::request);
        });
        scenarios.put("POST /v1/auth/login", () -> {
            Session someone = register();
            expect(200, "POST /v1/auth/login", json(request(), credentials(someone.email(), PASSWORD)));
            expect(401, "POST /v1/auth/login", json(request(), credentials(someone.email(), "not-" + PASSWORD)));
            bodyErrors("POST /v1/auth/login", this::request);
        });
        scenarios.put("POST /v1/auth/refresh", () -> {
            Session someone = register();
            String token = someone.refreshToken();
            // Another secret: the first character of the secret changed (the last one holds two unused bits).
            int secretAt = token.indexOf('.') + 1;
            String forged = token.substring(0, secretAt) + (token.charAt(secretAt) == 'A' ? 'B' : 'A') + token.substring(secretAt + 1);
            expect(401, "POST /v1/auth/refresh", json(request(), "{\"refreshToken\":\"" + forged + "\"}"));
            expect(200, "POST /v1/auth/refresh", json(request(), "{\"refreshToken\":\"" + token + "\"}"));
            bodyErrors("POST /v1/auth/refresh", this::request);
        });
        scenarios.put("POST /v1/auth/logout", () -> {
            Session leaving = register();
            String body = "{\"refreshToken\":\"" + leaving.refreshToken() + "\"}";
            expect(401, "POST /v1/auth/logout", json(request(), body));
            bodyErrors("POST /v1/auth/logout", () -> as(leaving));
            expect(204, "POST /v1/auth/logout", json(as(leaving), body));
        });
        scenarios.put("POST /v1/auth/oidc/{provider}", () -> {
            String operation = "POST /v1/auth/oidc/{provider}";
            String subject = "contract-" + UUID.randomUUID();
            String email = "oidc_" + NEXT_USER.incrementAndGet() + "_" + Long.toString(System.nanoTime() % 1_000_000, 36)
                    + "@gmail.com";
            expect(201, operation, json(request(), googleSignIn(subject, email, true, "contract-nonce-" + UUID.randomUUID())),
                    "google");
            String nonce = "contract-nonce-" + UUID.randomUUID();
            expect(200, operation, json(request(), googleSignIn(subject, null, false, nonce)), "google");
            expect(401, operation, json(request(), googleSignIn(subject, null, false, nonce)), "google");
            expect(404, operation, json(request(), googleSignIn(subject, null, false, nonce)), "github");
            Session password = register();
            expect(409, operation, json(request(), googleSignIn("contract-" + UUID.randomUUID(), password.email(), false,
                    "contract-nonce-" + UUID.randomUUID())), "google");
            expect(422, operation, json(request(), googleSignIn("contract-" + UUID.randomUUID(), null, false,
                    "contract-nonce-" + UUID.randomUUID())), "google");
            bodyErrors(operation, this::request, "google");
        });
        scenarios.put("GET /v1/auth/me", () -> {
            conditionalGet("GET /v1/auth/me", () -> as(reader));
            expect(401, "GET /v1/auth/me", request().header("Authorization", "Bearer not-a-token"));
        });
        scenarios.put("GET /v1/auth/jwks.json", () -> conditionalGet("GET /v1/auth/jwks.json", this::request));
        scenarios.put("DELETE /v1/auth/me", () -> {
            String operation = "DELETE /v1/auth/me";
            Session leaving = register();
            expect(401, operation, request());
            // A valid token without a recent sign-in (no auth_time): RFC 9470's step-up 401.
            expect(401, operation, bearer(tokens.issue(UUID.fromString(leaving.id()), "user").token()));
            expect(400, operation, as(leaving).header("Idempotency-Key", "not a key"));
            String key = "contract-leave-" + UUID.randomUUID();
            expect(204, operation, as(leaving).header("Idempotency-Key", key));
            Response replay = expect(204, operation, as(leaving).header("Idempotency-Key", key));
            expectHeader(replay, operation, "Idempotent-Replayed", "true");
            expect(401, operation, as(leaving));
        });
        scenarios.put("GET /v1/auth/me/export", () -> {
            conditionalGet("GET /v1/auth/me/export", () -> as(author));
            expect(401, "GET /v1/auth/me/export", request());
        });
        scenarios.put("DELETE /v1/admin/users/{userId}", () -> {
            String operation = "DELETE /v1/admin/users/{userId}";
            Session removed = register();
            String key = "contract-remove-" + UUID.randomUUID();
            expect(204, operation, as(ada).header("Idempotency-Key", key), removed.id());
            Response replay = expect(204, operation, as(ada).header("Idempotency-Key", key), removed.id());
            expectHeader(replay, operation, "Idempotent-Replayed", "true");
            expect(422, operation, as(ada).header("Idempotency-Key", key), unknown);
            expect(204, operation, as(ada), unknown);
            expect(400, operation, as(ada), "not-a-user-id");
            expect(401, operation, request(), removed.id());
            expect(403, operation, as(reader), removed.id());
        });
        String keyBody = "{\"name\":\"Contract\",\"scopes\":[\"read\"]}";
        scenarios.put("POST /v1/admin/api-keys", () -> {
            String operation = "POST /v1/admin/api-keys";
            String key = expect(201, operation, json(as(ada), keyBody)).path("key");
            expect(400, operation, json(as(ada), "{\"name\":\"Contract\",\"scopes\":[\"write\"]}"));
            bodyErrors(operation, () -> as(ada));
            expect(401, operation, json(request(), keyBody));
            expect(403, operation, json(as(reader), keyBody));
            // A key is no user: the admin routes refuse it.
            expect(403, operation, json(request().header("Authorization", "ApiKey " + key), keyBody));
        });
        scenarios.put("GET /v1/admin/api-keys", () -> {
            String operation = "GET /v1/admin/api-keys";
            conditionalGet(operation, () -> as(ada).queryParam("limit", "100"));
            expect(400, operation, as(ada).queryParam("cursor", "not-a-cursor"));
            expect(401, operation, request());
            expect(403, operation, as(reader));
        });
        scenarios.put("DELETE /v1/admin/api-keys/{id}", () -> {
            String operation = "DELETE /v1/admin/api-keys/{id}";
            String id = expect(201, "POST /v1/admin/api-keys", json(as(ada), keyBody)).path("id");
            String other = expect(201, "POST /v1/admin/api-keys", json(as(ada), keyBody)).path("id");
            String key = "contract-revoke-" + UUID.randomUUID();
            expect(204, operation, as(ada).header("Idempotency-Key", key), id);
            Response replay = expect(204, operation, as(ada).header("Idempotency-Key", key), id);
            expectHeader(replay, operation, "Idempotent-Replayed", "true");
            expect(422, operation, as(ada).header("Idempotency-Key", key), other);
            expect(204, operation, as(ada), id);
            expect(404, operation, as(ada), unknown);
            expect(400, operation, as(ada), "not-a-key-id");
            expect(401, operation, request(), other);
            expect(403, operation, as(reader), other);
        });
        scenarios.put("GET /v1/feed/home", () -> {
            conditionalGet("GET /v1/feed/home", () -> as(author));
            expect(400, "GET /v1/feed/home", as(author).queryParam("cursor", "not-a-cursor"));
            expect(401, "GET /v1/feed/home", request());
        });
        scenarios.put("GET /v1/feed/users/{handle}", () -> {
            conditionalGet("GET /v1/feed/users/{handle}", this::request, author.handle());
            String readKey = expect(201, "POST /v1/admin/api-keys", json(as(ada), keyBody)).path("key");
            String eventsKey = expect(201, "POST /v1/admin/api-keys",
                    json(as(ada), "{\"name\":\"Contract events\",\"scopes\":[\"telemetry:write\"]}")).path("key");
            conditionalGet("GET /v1/feed/users/{handle}", () -> request().header("Authorization", "ApiKey " + readKey),
                    author.handle());
            expect(403, "GET /v1/feed/users/{handle}", request().header("Authorization", "ApiKey " + eventsKey), author.handle());
            expect(401, "GET /v1/feed/users/{handle}", request().header("Authorization", "ApiKey pdk_not-a-key"),
                    author.handle());
            expect(400, "GET /v1/feed/users/{handle}", request().queryParam("limit", "0"), author.handle());
            expect(404, "GET /v1/feed/users/{handle}", request(), "nobody_" + NEXT_USER.incrementAndGet());
        });
        scenarios.put("GET /v1/feed/entities/{entityId}", () -> {
            conditionalGet("GET /v1/feed/entities/{entityId}", this::request, entityId);
            expect(400, "GET /v1/feed/entities/{entityId}", request(), "not-an-id");
            expect(404, "GET /v1/feed/entities/{entityId}", request(), unknown);
        });
        scenarios.put("POST /v1/posts", () -> {
            Session poster = register();
            String key = "contract-post-" + UUID.randomUUID();
            expect(201, "POST /v1/posts", json(as(poster).header("Idempotency-Key", key), "{\"body\":\"First\"}"));
            Response replay = expect(201, "POST /v1/posts", json(as(poster).header("Idempotency-Key", key), "{\"body\":\"First\"}"));
            expectHeader(replay, "POST /v1/posts", "Idempotent-Replayed", "true");
            expect(422, "POST /v1/posts", json(as(poster).header("Idempotency-Key", key), "{\"body\":\"Second\"}"));
            expect(401, "POST /v1/posts", json(request(), "{\"body\":\"Anonymous\"}"));
            Session another = register();
            bodyErrors("POST /v1/posts", () -> as(another));
        });
        scenarios.put("DELETE /v1/posts/{postId}", () -> {
            Session poster = register();
            String mine = expect(201, "POST /v1/posts", json(as(poster), "{\"body\":\"Soon gone\"}")).path("post.id");
            String key = "contract-delete-" + UUID.randomUUID();
            expect(204, "DELETE /v1/posts/{postId}", as(poster).header("Idempotency-Key", key), mine);
            expect(422, "DELETE /v1/posts/{postId}", as(poster).header("Idempotency-Key", key), postId);
            expect(403, "DELETE /v1/posts/{postId}", as(reader), postId);
            expect(404, "DELETE /v1/posts/{postId}", as(poster), unknown);
            expect(400, "DELETE /v1/posts/{postId}", as(register()), "not-an-id");
            expect(401, "DELETE /v1/posts/{postId}", request(), postId);
        });
        scenarios.put("PUT /v1/follows/users/{handle}", () -> {
            Session follower = register();
            String key = "contract-follow-" + UUID.randomUUID();
            expect(204, "PUT /v1/follows/users/{handle}", as(follower).header("Idempotency-Key", key), author.handle());
            expect(422, "PUT /v1/follows/users/{handle}", as(follower).header("Idempotency-Key", key), "grace");
            expect(400, "PUT /v1/follows/users/{handle}", as(follower), follower.handle());
            expect(404, "PUT /v1/follows/users/{handle}", as(follower), "nobody_" + NEXT_USER.incrementAndGet());
            expect(401, "PUT /v1/follows/users/{handle}", request(), author.handle());
        });
        scenarios.put("DELETE /v1/follows/users/{handle}", () -> {
            Session follower = register();
            String key = "contract-unfollow-" + UUID.randomUUID();
            expect(204, "DELETE /v1/follows/users/{handle}", as(follower).header("Idempotency-Key", key), author.handle());
            expect(422, "DELETE /v1/follows/users/{handle}", as(follower).header("Idempotency-Key", key), "grace");
            expect(400, "DELETE /v1/follows/users/{handle}", as(follower), follower.handle());
            expect(404, "DELETE /v1/follows/users/{handle}", as(follower), "nobody_" + NEXT_USER.incrementAndGet());
            expect(401, "DELETE /v1/follows/users/{handle}", request(), author.handle());
        });
        scenarios.put("PUT /v1/follows/entities/{entityId}", () -> {
            Session follower = register();
            String key = "contract-follow-entity-" + UUID.randomUUID();
            expect(204, "PUT /v1/follows/entities/{entityId}", as(follower).header("Idempotency-Key", key), entityId);
            expect(422, "PUT /v1/follows/entities/{entityId}", as(follower).header("Idempotency-Key", key), unknown);
            expect(400, "PUT /v1/follows/entities/{entityId}", as(follower), "not-an-id");
            expect(404, "PUT /v1/follows/entities/{entityId}", as(follower), unknown);
            expect(401, "PUT /v1/follows/entities/{entityId}", request(), entityId);
        });
        scenarios.put("DELETE /v1/follows/entities/{entityId}", () -> {
            Session follower = register();
            String key = "contract-unfollow-entity-" + UUID.randomUUID();
            expect(204, "DELETE /v1/follows/entities/{entityId}", as(follower).header("Idempotency-Key", key), entityId);
            expect(422, "DELETE /v1/follows/entities/{entityId}", as(follower).header("Idempotency-Key", key), unknown);
            expect(400, "DELETE /v1/follows/entities/{entityId}", as(follower), "not-an-id");
            expect(404, "DELETE /v1/follows/entities/{entityId}", as(follower), unknown);
            expect(401, "DELETE /v1/follows/entities/{entityId}", request(), entityId);
        });
        scenarios.put("POST /v1/entities", () -> {
            Session creator = register();
            String key = "contract-entity-" + UUID.randomUUID();
            expect(201, "POST /v1/entities", json(as(creator).header("Idempotency-Key", key), "{\"kind\":\"venue\",\"name\":\"One\"}"));
            expect(422, "POST /v1/entities", json(as(creator).header("Idempotency-Key", key), "{\"kind\":\"venue\",\"name\":\"Two\"}"));
            expect(401, "POST /v1/entities", json(request(), "{\"kind\":\"venue\",\"name\":\"Three\"}"));
            Session another = register();
            bodyErrors("POST /v1/entities", () -> as(another));
        });
        scenarios.put("POST /v1/posts/{postId}/actions", () -> {
            Session actor = register();
            String key = "contract-action-" + UUID.randomUUID();
            expect(204, "POST /v1/posts/{postId}/actions", json(as(actor).header("Idempotency-Key", key), "{\"type\":\"like\"}"), postId);
            expect(422, "POST /v1/posts/{postId}/actions", json(as(actor).header("Idempotency-Key", key), "{\"type\":\"save\"}"), postId);
            expect(404, "POST /v1/posts/{postId}/actions", json(as(actor), "{\"type\":\"like\"}"), unknown);
            expect(401, "POST /v1/posts/{postId}/actions", json(request(), "{\"type\":\"like\"}"), postId);
            bodyErrors("POST /v1/posts/{postId}/actions", () -> as(actor), postId);
        });
        scenarios.put("POST /v1/events", () -> {
            String key = "contract-events-" + UUID.randomUUID();
            expect(202, "POST /v1/events", json(as(reader).header("Idempotency-Key", key), events(null)));
            expect(422, "POST /v1/events", json(as(reader).header("Idempotency-Key", key), events(null)));
            expect(202, "POST /v1/events", json(request(), events("install-" + UUID.randomUUID())));
            expect(401, "POST /v1/events", json(request().header("Authorization", "Bearer not-a-token"), events(null)));
            // An API key: telemetry:write sends anonymous events; a key of another scope is a 403; a refused key a 401.
            String telemetryKey = expect(201, "POST /v1/admin/api-keys",
                    json(as(ada), "{\"name\":\"Contract events\",\"scopes\":[\"telemetry:write\"]}")).path("key");
            String readKey = expect(201, "POST /v1/admin/api-keys", json(as(ada), keyBody)).path("key");
            expect(202, "POST /v1/events", json(request().header("Authorization", "ApiKey " + telemetryKey),
                    events("integration-" + UUID.randomUUID())));
            expect(403, "POST /v1/events", json(request().header("Authorization", "ApiKey " + readKey),
                    events("integration-" + UUID.randomUUID())));
            expect(401, "POST /v1/events", json(request().header("Authorization", "ApiKey pdk_not-a-key"), events(null)));
            bodyErrors("POST /v1/events", () -> as(reader));
        });
        scenarios.put("GET /v1/events", () -> {
            conditionalGet("GET /v1/events", () -> as(reader));
            expect(400, "GET /v1/events", as(reader).queryParam("type", "not-a-type"));
            expect(401, "GET /v1/events", request());
            expect(403, "GET /v1/events", as(reader).queryParam("userId", ada.id()));
        });
        scenarios.put("GET /v1/analytics/ctr", () -> {
            // An explicit range: without one it ends now, and the answer (and its ETag) changes every millisecond.
            conditionalGet("GET /v1/analytics/ctr", () -> as(ada).queryParams(RANGE));
            expect(400, "GET /v1/analytics/ctr", as(ada).queryParam("from", "yesterday"));
            expect(401, "GET /v1/analytics/ctr", request());
            expect(403, "GET /v1/analytics/ctr", as(reader));
        });
        scenarios.put("GET /v1/analytics/funnel", () -> {
            conditionalGet("GET /v1/analytics/funnel", () -> as(ada).queryParams(RANGE).queryParam("surface", "home"));
            conditionalGet("GET /v1/analytics/funnel", () -> as(ada).queryParams(RANGE));
            expect(400, "GET /v1/analytics/funnel", as(ada).queryParam("to", "2199-01-01T00:00:00Z"));
            expect(401, "GET /v1/analytics/funnel", request());
            expect(403, "GET /v1/analytics/funnel", as(reader));
        });
        scenarios.put("GET /v1/rate-limits", () -> {
            conditionalGet("GET /v1/rate-limits", () -> as(reader));
            String address = nextAddress();
            conditionalGet("GET /v1/rate-limits", () -> from(address));
            expect(401, "GET /v1/rate-limits", request().header("Authorization", "Bearer not-a-token"));
        });
        scenarios.put("PUT /v1/admin/rate-limits/overrides/{userId}", () -> {
            String operation = "PUT /v1/admin/rate-limits/overrides/{userId}";
            Session overridden = register();
            String key = "contract-override-" + UUID.randomUUID();
            expect(200, operation, json(as(ada).header("Idempotency-Key", key), "{\"tier\":\"admin\"}"), overridden.id());
            expect(200, operation, json(as(ada), "{\"multipliers\":{\"read\":2}}"), overridden.id());
            expect(422, operation, json(as(ada).header("Idempotency-Key", key), "{\"tier\":\"user\"}"), overridden.id());
            expect(404, operation, json(as(ada), "{\"tier\":\"user\"}"), unknown);
            expect(401, operation, json(request(), "{\"tier\":\"user\"}"), overridden.id());
            expect(403, operation, json(as(reader), "{\"tier\":\"user\"}"), overridden.id());
            bodyErrors(operation, () -> as(ada), overridden.id());
        });
        scenarios.put("DELETE /v1/admin/rate-limits/blocks/{key}", () -> {
            String operation = "DELETE /v1/admin/rate-limits/blocks/{key}";
            String key = "contract-unblock-" + UUID.randomUUID();
            expect(204, operation, as(ada).header("Idempotency-Key", key), "ip:10.99.0.1");
            expect(422, operation, as(ada).header("Idempotency-Key", key), "ip:10.99.0.2");
            expect(400, operation, as(ada), "not-a-key");
            expect(401, operation, request(), "ip:10.99.0.1");
            expect(403, operation, as(reader), "ip:10.99.0.1");
        });
        scenarios.put("GET /v1/admin/audit", () -> {
            String operation = "GET /v1/admin/audit";
            Session audited = register();
            expect(200, "PUT /v1/admin/rate-limits/overrides/{userId}", json(as(ada), "{\"tier\":\"admin\"}"), audited.id());
            // Its registration (a sign-in) and the override: a target nothing else touches, so the page and its
            // ETag hold still between the two reads of the conditional GET.
            conditionalGet(operation, () -> as(ada).queryParam("target", audited.id()));
            Response first = expect(200, operation, as(ada).queryParam("target", audited.id()).queryParam("limit", "1"));
            String cursor = first.path("nextCursor");
            if (cursor == null) {
                unexpected.add(operation + ": two rows for the target, one a page, yet no nextCursor");
            } else {
                expect(200, operation, as(ada).queryParam("target", audited.id()).queryParam("limit", "1")
                        .queryParam("cursor", cursor));
            }
            expect(400, operation, as(ada).queryParam("cursor", "not-a-cursor"));
            expect(400, operation, as(ada).queryParam("action", "nothing.happened").queryParam("actor", "nobody"));
            expect(401, operation, request());
            expect(403, operation, as(reader));
        });
        // Its 304 is declared (every GET is tagged) but comes only when each store answers in the same milliseconds.
        scenarios.put("GET /v1/health", () -> expect(200, "GET /v1/health", request()));
        return scenarios;
    }

    /**
     * 429 on every route keyed by user or address: the auth category of one address is spent; a user whose limits
     * an override sets to 1 spends each category once, and then every route of it is refused.
     */
    private void tooManyRequests() {
        Session ada = sessionOf(login("ada@example.com", "paddock-demo-2026"));
        Session throttled = register();
        expect(200, "PUT /v1/admin/rate-limits/overrides/{userId}", json(as(ada),
                "{\"multipliers\":{\"read\":0.001,\"write\":0.001,\"mutation\":0.001,\"telemetry\":0.001,\"admin\":0.001}}"),
                throttled.id());
        String admin = tokens.issue(UUID.fromString(throttled.id()), "admin").token();
        String entity = UUID.randomUUID().toString();
        // Each first call spends its category's only request; whatever it answers is checked like any other.
        record Spend(String operation, RequestSpecification request, String[] path) {
        }
        for (Spend spend : List.of(
                new Spend("GET /v1/auth/me", as(throttled), new String[0]),
                new Spend("PUT /v1/follows/entities/{entityId}", as(throttled), new String[] {entity}),
                new Spend("POST /v1/posts/{postId}/actions", json(as(throttled), "{\"type\":\"like\"}"), new String[] {entity}),
                new Spend("POST /v1/events", json(as(throttled), events(null)), new String[0]),
                new Spend("GET /v1/analytics/funnel", bearer(admin), new String[0]))) {
            send(spend.operation(), spend.request(), spend.path());
        }
        String body = "{\"body\":\"x\"}";
        expect(429, "GET /v1/auth/me", as(throttled));
        expect(429, "GET /v1/feed/home", as(throttled));
        expect(429, "GET /v1/feed/users/{handle}", as(throttled), throttled.handle());
        expect(429, "GET /v1/feed/entities/{entityId}", as(throttled), entity);
        expect(429, "GET /v1/events", as(throttled));
        expect(429, "POST /v1/posts", json(as(throttled), body));
        expect(429, "DELETE /v1/posts/{postId}", as(throttled), entity);
        expect(429, "PUT /v1/follows/users/{handle}", as(throttled), "grace");
        expect(429, "DELETE /v1/follows/users/{handle}", as(throttled), "grace");
        expect(429, "PUT /v1/follows/entities/{entityId}", as(throttled), entity);
        expect(429, "DELETE /v1/follows/entities/{entityId}", as(throttled), entity);
        expect(429, "POST /v1/entities", json(as(throttled), "{\"kind\":\"a\",\"name\":\"b\"}"));
        expect(429, "POST /v1/posts/{postId}/actions", json(as(throttled), "{\"type\":\"like\"}"), entity);
        expect(429, "POST /v1/events", json(as(throttled), events(null)));
        expect(429, "GET /v1/analytics/ctr", bearer(admin));
        expect(429, "GET /v1/analytics/funnel", bearer(admin));
        expect(429, "PUT /v1/admin/rate-limits/overrides/{userId}", json(bearer(admin), "{\"tier\":\"user\"}"), throttled.id());
        expect(429, "DELETE /v1/admin/rate-limits/blocks/{key}", bearer(admin), "ip:10.99.0.3");
        expect(429, "GET /v1/admin/audit", bearer(admin));
        expect(429, "GET /v1/auth/me/export", as(throttled));
        expect(429, "DELETE /v1/admin/users/{userId}", bearer(admin), UUID.randomUUID().toString());
        // Last: were the limit not applied, this would delete the throttled account.
        expect(429, "DELETE /v1/auth/me", as(throttled));
        // The standing route counts nothing; its own per-second bucket, scaled to 1 here, refuses a quick second
        // read. Whether two fall in one second is up to the machine, so the answers are checked but not expected.
        for (int i = 0; i < 5; i++) {
            if (send("GET /v1/rate-limits", as(throttled)).statusCode() == 429) {
                break;
            }
        }

        // The auth category counts by address (20 a minute, 10 a second): from one address, the 21st request in a
        // minute is refused at the latest (sooner when the per-second burst refuses first).
        untilRefused("GET /v1/auth/jwks.json", from -> from);
        untilRefused("POST /v1/auth/register", from -> json(from, MALFORMED));
        untilRefused("POST /v1/auth/login", from -> json(from, MALFORMED));
        untilRefused("POST /v1/auth/refresh", from -> json(from, MALFORMED));
        untilRefused("POST /v1/auth/oidc/{provider}", from -> json(from, MALFORMED), "google");
        untilRefused("POST /v1/auth/logout", from -> json(from.header("Authorization", "Bearer " + ada.accessToken()), MALFORMED));
    }

    /**
     * 503 where DynamoDB is needed: keys of Idempotency-Key are claimed there (a keyed mutation fails closed) and
     * refresh-token families live there (login, refresh, logout); health reports degraded. DynamoDB Local is
     * stopped for this and started again (its tables come back empty), and the test waits until it serves again.
     */
    private void dynamoDbDown() {
        Session ada = sessionOf(login("ada@example.com", "paddock-demo-2026"));
        Session user = register();
        String post = UUID.randomUUID().toString();
        String entity = UUID.randomUUID().toString();
        PaddockStoresTestResource.stores().stopDynamo();
        try {
            expect(503, "GET /v1/health", request());
            expect(503, "POST /v1/auth/login", json(request(), credentials(user.email(), PASSWORD)));
            expect(503, "POST /v1/auth/refresh", json(request(), "{\"refreshToken\":\"" + user.refreshToken() + "\"}"));
            expect(503, "POST /v1/auth/logout", json(as(user), "{\"refreshToken\":\"" + user.refreshToken() + "\"}"));
            // The token verifies (the key set is held) and the nonce is spent in PostgreSQL, but the session cannot open.
            expect(503, "POST /v1/auth/oidc/{provider}", json(request(), googleSignIn("contract-" + UUID.randomUUID(),
                    "oidc_" + UUID.randomUUID().toString().substring(0, 8) + "@gmail.com", true,
                    "contract-nonce-" + UUID.randomUUID())), "google");
            expect(503, "POST /v1/posts", json(keyed(as(user)), "{\"body\":\"Kept nowhere\"}"));
            expect(503, "DELETE /v1/posts/{postId}", keyed(as(user)), post);
            expect(503, "POST /v1/posts/{postId}/actions", json(keyed(as(user)), "{\"type\":\"like\"}"), post);
            expect(503, "PUT /v1/follows/users/{handle}", keyed(as(user)), "grace");
            expect(503, "DELETE /v1/follows/users/{handle}", keyed(as(user)), "grace");
            expect(503, "PUT /v1/follows/entities/{entityId}", keyed(as(user)), entity);
            expect(503, "DELETE /v1/follows/entities/{entityId}", keyed(as(user)), entity);
            expect(503, "POST /v1/entities", json(keyed(as(user)), "{\"kind\":\"team\",\"name\":\"Kept nowhere\"}"));
            expect(503, "POST /v1/events", json(keyed(as(user)), events(null)));
            expect(503, "PUT /v1/admin/rate-limits/overrides/{userId}", json(keyed(as(ada)), "{\"tier\":\"user\"}"), user.id());
            expect(503, "DELETE /v1/admin/rate-limits/blocks/{key}", keyed(as(ada)), "ip:10.99.0.4");
            // The key is claimed in DynamoDB before any work: nothing is deleted.
            expect(503, "DELETE /v1/auth/me", keyed(as(user)));
            expect(503, "DELETE /v1/admin/users/{userId}", keyed(as(ada)), user.id());
        } finally {
            PaddockStoresTestResource.stores().startDynamo();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> dynamoDbServesAgain(given().get("/v1/health")));
        }
    }

    /** Up, and its breaker closed: the next test's logins and keyed mutations reach it again. */
    private static boolean dynamoDbServesAgain(Response health) {
        return health.statusCode() == 200 && "closed".equals(health.path("checks.dynamodb.breaker"));
    }

    // --- driving one call ---

    /** Sends the request again and again from one address until it is refused with 429 (each answer is checked). */
    private void untilRefused(String operation, UnaryOperator<RequestSpecification> request, String... path) {
        String address = nextAddress();
        for (int i = 0; i < 30; i++) {
            if (send(operation, request.apply(from(address)), path).statusCode() == 429) {
                return;
            }
        }
        unexpected.add(operation + ": 30 requests from one address in a minute, none refused with 429");
    }

    /** 400 (malformed JSON), 413 (over 256 KiB) and 415 (not JSON) of a route that reads a body. */
    private void bodyErrors(String operation, Supplier<RequestSpecification> caller, String... path) {
        expect(400, operation, json(caller.get(), MALFORMED), path);
        expect(413, operation, json(caller.get(), TOO_LARGE), path);
        expect(415, operation, caller.get().contentType("text/plain").body("{}"), path);
    }

    /** A 200, then the same request with its ETag: 304. */
    /**
     * A 200 with an ETag, then a 304 for it. Some documents change by themselves (the rate-limit standing's
     * resetSeconds ticks every second), so a 200 to the conditional GET is right when it carries another tag; the
     * next try then sends that tag. A 200 carrying the very tag that was sent is a server that ignored it.
     */
    private void conditionalGet(String operation, Supplier<RequestSpecification> request, String... path) {
        Response first = expect(200, operation, request.get(), path);
        String tag = first.header("ETag");
        if (tag == null) {
            unexpected.add(operation + " 200: no ETag, so no conditional GET");
            return;
        }
        for (int attempt = 1; attempt <= 3; attempt++) {
            Response again = send(operation, request.get().header("If-None-Match", tag), path);
            if (again.statusCode() == 304) {
                if (!tag.equals(again.header("ETag"))) {
                    mismatches.add(operation + " 304: ETag " + again.header("ETag") + " is not the 200's " + tag);
                }
                return;
            }
            String changed = again.header("ETag");
            if (again.statusCode() != 200 || changed == null || changed.equals(tag)) {
                unexpected.add(operation + ": expected 304 for If-None-Match " + tag + ", got " + again.statusCode()
                        + " with ETag " + changed + " " + again.asString());
                return;
            }
            tag = changed;
        }
        unexpected.add(operation + ": the document changed on each of 3 conditional GETs, so no 304 was seen");
    }

    private Response expect(int status, String operation, RequestSpecification request, String... path) {
        Response response = send(operation, request, path);
        if (response.statusCode() != status) {
            unexpected.add(operation + ": expected " + status + ", got " + response.statusCode() + " " + response.asString());
        }
        return response;
    }

    /** Sends the request to the operation's path (its {…} filled in order) and checks the answer against the document. */
    private Response send(String operation, RequestSpecification request, String... path) {
        String method = operation.substring(0, operation.indexOf(' '));
        String target = operation.substring(operation.indexOf(' ') + 1);
        for (String value : path) {
            target = target.replaceFirst("\\{[^}]+}", Matcher.quoteReplacement(value));
        }
        Response response = request.request(method, target);
        exercised.computeIfAbsent(operation, o -> new TreeSet<>()).add(response.statusCode());
        mismatches.addAll(documented.mismatches(operation, answerOf(response)));
        return response;
    }

    private void expectHeader(Response response, String operation, String name, String value) {
        if (!value.equals(response.header(name))) {
            unexpected.add(operation + " " + response.statusCode() + ": " + name + " is " + response.header(name) + ", expected " + value);
        }
    }

    static DocumentedResponses.Answer answerOf(Response response) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : response.getHeaders()) {
            headers.merge(h.getName(), h.getValue(), (a, b) -> a + ", " + b);
        }
        return new DocumentedResponses.Answer(response.statusCode(), headers, response.getContentType(), response.asByteArray());
    }

    private static DocumentedResponses.Answer withBody(DocumentedResponses.Answer answer, JsonNode body) throws IOException {
        return new DocumentedResponses.Answer(answer.status(), answer.headers(), answer.contentType(), JSON.writeValueAsBytes(body));
    }

    // --- requests and callers ---

    /** A request from an address of its own, so that the auth category (counted by address) never runs out. */
    private RequestSpecification request() {
        return from(nextAddress());
    }

    private static RequestSpecification from(String address) {
        return given().config(RestAssuredConfig.config().encoderConfig(
                        EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .header("X-Forwarded-For", address);
    }

    private static String nextAddress() {
        int ip = NEXT_IP.incrementAndGet();
        return "10.47." + ((ip >> 8) & 0xff) + "." + (ip & 0xff);
    }

    private RequestSpecification as(Session session) {
        return bearer(session.accessToken());
    }

    private RequestSpecification bearer(String token) {
        return request().header("Authorization", "Bearer " + token);
    }

    private static RequestSpecification keyed(RequestSpecification request) {
        return request.header("Idempotency-Key", "contract-" + UUID.randomUUID());
    }

    private static RequestSpecification json(RequestSpecification request, String body) {
        return request.contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
    }

    /** A new account through the API (its 201 is checked too); each has its own write and read windows. */
    private Session register() {
        int n = NEXT_USER.incrementAndGet();
        String handle = "contract_" + n + "_" + Long.toString(System.nanoTime() % 1_000_000, 36);
        Response created = expect(201, "POST /v1/auth/register",
                json(request(), registration(handle + "@example.com", handle)));
        return sessionOf(created);
    }

    private Response login(String email, String password) {
        return given().header("X-Forwarded-For", nextAddress()).contentType("application/json")
                .body(credentials(email, password)).when().post("/v1/auth/login");
    }

    private static Session sessionOf(Response response) {
        return new Session(response.path("user.id"), response.path("user.handle"), response.path("user.email"),
                response.path("accessToken"), response.path("refreshToken"));
    }

    private static String registration(String email, String handle) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"handle\":\"" + handle
                + "\",\"displayName\":\"Contract Check\"}";
    }

    /** A body for POST /v1/auth/oidc/google: an ID token of the stand-in Google (its e-mail address, if any, as given). */
    private static String googleSignIn(String subject, String email, boolean verified, String nonce) {
        var google = StandInProvidersTestResource.google();
        var claims = google.claims(subject, nonce);
        if (email != null) {
            claims.claim("email", email).claim("email_verified", verified);
        }
        return "{\"idToken\":\"" + google.sign(claims) + "\",\"nonce\":\"" + nonce + "\"}";
    }

    private static String credentials(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    private static String events(String anonymousId) {
        return "{" + (anonymousId == null ? "" : "\"anonymousId\":\"" + anonymousId + "\",")
                + "\"events\":[{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"impression\",\"itemId\":\"post-1\","
                + "\"surface\":\"home\",\"occurredAt\":\"" + java.time.Instant.now() + "\"}]}";
    }
}
