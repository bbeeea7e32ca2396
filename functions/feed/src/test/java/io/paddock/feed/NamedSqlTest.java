package io.paddock.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Named parameters become the positional statement JDBC takes, with each value bound at every use. */
class NamedSqlTest {

    @Test
    void eachUseOfANameIsAQuestionMarkBoundToItsValue() {
        NamedSql statement = NamedSql.of("SELECT 1 FROM posts WHERE author_id = :viewer AND (created_at, id) < (:at, :id) "
                + "AND NOT EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = :viewer) LIMIT :n");
        assertEquals("SELECT 1 FROM posts WHERE author_id = ? AND (created_at, id) < (?, ?) "
                + "AND NOT EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = ?) LIMIT ?", statement.sql());
        assertEquals(List.of("viewer", "at", "id", "viewer", "n"), statement.names());
        assertArrayEquals(new Object[] {"v", "a", "i", "v", 21},
                statement.positional(Map.of("viewer", "v", "at", "a", "id", "i", "n", 21)));
    }

    @Test
    void castsAndQuotedTextAreNotParameters() {
        NamedSql statement = NamedSql.of("SELECT :id::uuid, ':not', \"odd:name\", 'it''s :not' WHERE a.type IN ('hide', 'report')");
        assertEquals("SELECT ?::uuid, ':not', \"odd:name\", 'it''s :not' WHERE a.type IN ('hide', 'report')", statement.sql());
        assertEquals(List.of("id"), statement.names());
    }

    @Test
    void aMissingValueOrAValueThatNamesNothingIsRefused() {
        NamedSql statement = NamedSql.of("SELECT :viewer, :n");
        assertThrows(IllegalArgumentException.class, () -> statement.positional(Map.of("viewer", "v")));
        assertThrows(IllegalArgumentException.class, () -> statement.positional(Map.of("viewer", "v", "n", 1, "viewr", "v")));
    }

    @Test
    void theHomeFeedNamesItsFourValuesAtEveryOneOfTheirSeventeenUses() {
        assertEquals(List.of("viewer", "at", "id", "viewer", "n", "at", "id", "viewer", "n", "viewer", "at", "id", "viewer",
                "viewer", "n", "viewer", "n"), FeedQueries.HOME.names());
        assertEquals(17, FeedQueries.HOME.sql().chars().filter(c -> c == '?').count());
    }
}
