package io.paddock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.db.Migrations;
import io.paddock.embedded.PaddockStoresTestResource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class LocalDataTest {

    @Test
    void seedGivesTheFeedsSomethingToShowAndCanRunOnEveryStart() throws Exception {
        String url = PaddockStoresTestResource.stores().databaseUrl();
        LocalData.seed(url);
        LocalData.seed(url);
        try (Connection c = Migrations.connect(url); Statement s = c.createStatement()) {
            assertEquals(3, count(s, "SELECT count(*) FROM users WHERE email LIKE '%@example.com'"));
            assertEquals(5, count(s, "SELECT count(*) FROM posts WHERE author_id::text LIKE '01900000-%'"));
            // A post targeting two entities: the feed issue's no-duplicates case has data to show.
            assertEquals(2, count(s, "SELECT count(*) FROM post_targets WHERE post_id = '01900000-0000-7000-8000-000000001004'"));
        }
    }

    /** big.sql at a small scale: same statements as --seed=big, numbers a test can check exactly. */
    @Test
    void bigSeedGeneratesTheScaleAskedForOnceAndItsUsersLogInWithTheDemoPassword() throws Exception {
        String url = PaddockStoresTestResource.stores().databaseUrl();
        LocalData.seed(url);
        LocalData.BigScale small = new LocalData.BigScale(200, 40, 5_000);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        assertTrue(LocalData.seedBig(url, small, out), "first run loads");
        assertFalse(LocalData.seedBig(url, small, out), "second run finds the data and skips");
        String log = printed.toString(StandardCharsets.UTF_8);
        assertTrue(log.matches("(?s).*big data in place \\(seed/big\\.sql\\) in [0-9.]+ s.*"), log);
        assertTrue(log.contains("already in place"), log);

        try (Connection c = Migrations.connect(url); Statement s = c.createStatement()) {
            assertEquals(200, count(s, "SELECT count(*) FROM users WHERE id::text LIKE '01900b16-0000-%'"));
            assertEquals(40, count(s, "SELECT count(*) FROM entities WHERE id::text LIKE '01900b16-0001-%'"));
            assertEquals(5_000, count(s, "SELECT count(*) FROM posts WHERE id::text LIKE '01900b16-0002-%'"));
            assertEquals(50, count(s, "SELECT count(*) FROM posts WHERE id::text LIKE '01900b16-0002-%' AND deleted_at IS NOT NULL"));
            // 30 % of posts target an entity; every user follows 30 to 50 users (fewer where the popular
            // ones are also among the next 30) and 10 entities.
            assertEquals(1_500, count(s, "SELECT count(DISTINCT post_id) FROM post_targets WHERE post_id::text LIKE '01900b16-%'"));
            assertEquals(0, count(s, "SELECT count(*) FROM (SELECT follower_id, count(*) n FROM user_follows "
                    + "WHERE follower_id::text LIKE '01900b16-%' GROUP BY follower_id) f WHERE n NOT BETWEEN 30 AND 50"));
            assertEquals(200, count(s, "SELECT count(DISTINCT follower_id) FROM user_follows WHERE follower_id::text LIKE '01900b16-%'"));
            assertEquals(2_000, count(s, "SELECT count(*) FROM entity_follows WHERE user_id::text LIKE '01900b16-%'"));
            assertEquals(1, count(s, "SELECT count(DISTINCT password_hash) FROM users "
                    + "WHERE id::text LIKE '01900b16-%' OR handle = 'ada'"), "big users share ada's demo password hash");
        }
    }

    @Test
    void freshDeletesTheDataDirectory() throws Exception {
        Path dir = Files.createTempDirectory("paddock-data");
        Files.createDirectories(dir.resolve("postgres/base"));
        Files.writeString(dir.resolve("postgres/base/file"), "x");
        LocalData.delete(dir);
        assertFalse(Files.exists(dir));
        LocalData.delete(dir);
        assertTrue(!Files.exists(dir), "deleting a missing directory is fine");
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
