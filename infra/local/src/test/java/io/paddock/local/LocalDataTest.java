package io.paddock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.db.Migrations;
import io.paddock.embedded.PaddockStoresTestResource;
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
