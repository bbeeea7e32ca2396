package io.paddock.local;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.db.Database;
import io.paddock.shared.testing.TestUsers;
import io.paddock.shared.testing.TestUsers.TestUser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Concurrent duplicates of one Idempotency-Key over real HTTP (the local app serves requests in
 * parallel, unlike the Lambda test adapter): the work is done once, the others wait their turn (409)
 * or get the first answer replayed.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ConcurrentIdempotencyTest {

    @Inject
    AccessTokens tokens;

    @Inject
    Database database;

    @Test
    void concurrentDuplicatesOfOneKeyDoTheWorkOnce() throws Exception {
        TestUser author = new TestUsers(database.dataSource(), tokens).user();
        String token = author.token();
        String key = "k-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<int[]>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    var r = given().auth().oauth2(token).header("Idempotency-Key", key).contentType(ContentType.JSON)
                            .body("{\"body\":\"exactly once\"}").post("/v1/posts");
                    return new int[] {r.statusCode()};
                }));
            }
            start.countDown();
            Set<Integer> statuses = new HashSet<>();
            for (Future<int[]> f : answers) {
                statuses.add(f.get()[0]);
            }
            assertTrue(Set.of(201, 409).containsAll(statuses), "statuses " + statuses);
            assertTrue(statuses.contains(201));
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM posts WHERE author_id = ?")) {
            s.setObject(1, author.id());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1), "one post for eight concurrent requests with one key");
            }
        }
    }
}
