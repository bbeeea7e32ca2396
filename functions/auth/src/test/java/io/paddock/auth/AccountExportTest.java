package io.paddock.auth;

import static io.paddock.auth.AuthApi.newIp;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.db.Database;
import io.paddock.shared.http.EntityTags;
import io.paddock.shared.http.Timestamps;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/auth/me/export holds exactly what the store holds for the caller: each section is compared with the
 * caller's rows read here with plain SQL, on the real embedded PostgreSQL, and nothing of anyone else's appears.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class AccountExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Inject
    Database database;

    @Inject
    DirectSql store;

    @Test
    void theExportHoldsExactlyTheCallersRowsAsTheStoreHoldsThem() throws Exception {
        AuthApi.Account me = AuthApi.register();
        AuthApi.Account other = AuthApi.register();
        UUID id = UUID.fromString(me.id());
        UUID otherId = UUID.fromString(other.id());
        UUID entity = UUID.randomUUID();
        UUID mine = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        UUID theirs = UUID.randomUUID();
        store.update("INSERT INTO entities (id, kind, name, created_by) VALUES (?, 'team', 'Export FC', ?)", entity, id);
        store.update("INSERT INTO posts (id, author_id, body) VALUES (?, ?, 'kept')", mine, id);
        store.update("INSERT INTO post_targets (post_id, entity_id) VALUES (?, ?)", mine, entity);
        store.update("INSERT INTO posts (id, author_id, body, deleted_at) VALUES (?, ?, 'deleted, still stored', now())", gone, id);
        store.update("INSERT INTO posts (id, author_id, body) VALUES (?, ?, 'not mine')", theirs, otherId);
        store.update("INSERT INTO post_actions (user_id, post_id, type) VALUES (?, ?, 'like'), (?, ?, 'hide')", id, theirs, id, theirs);
        store.update("INSERT INTO post_actions (user_id, post_id, type) VALUES (?, ?, 'save')", otherId, mine);
        store.update("INSERT INTO user_follows (follower_id, followee_id) VALUES (?, ?), (?, ?)", id, otherId, otherId, id);
        store.update("INSERT INTO entity_follows (user_id, entity_id) VALUES (?, ?)", id, entity);
        store.update("INSERT INTO user_blocks (blocker_id, blocked_id) VALUES (?, ?)", id, otherId);
        store.update("INSERT INTO user_identities (provider, subject, user_id) VALUES ('apple', ?, ?), ('google', ?, ?)",
                "apple-" + id, id, "google-" + otherId, otherId);
        store.updateAsAdmin("INSERT INTO usage_events (event_id, user_id, type, item_id, surface, occurred_at, meta, served) "
                + "VALUES (?, ?, 'impression', 'post:1', 'home', now(), '{\"position\": 3}', true), "
                + "(?, ?, 'click', 'post:1', 'home', now(), NULL, NULL), "
                + "(?, ?, 'click', 'post:2', 'home', now(), NULL, NULL)", UUID.randomUUID(), id, UUID.randomUUID(), id,
                UUID.randomUUID(), otherId);

        Response r = given().header("X-Forwarded-For", newIp()).auth().oauth2(me.accessToken())
                .when().get("/v1/auth/me/export");
        r.then().statusCode(200).contentType("application/json");
        // The Lambda adapter hands a comma-separated value on as separate header lines.
        assertEquals("private, no-store", String.join(", ", r.headers().getValues("Cache-Control")));
        assertEquals(EntityTags.strongTag(r.asByteArray()), r.header("ETag"), "the strong tag of the bytes sent");
        assertEquals(String.valueOf(r.asByteArray().length), r.header("Content-Length"));
        JsonNode export = JSON.readTree(r.asByteArray());

        assertFalse(r.asString().contains("argon2"), "never the password hash");
        assertEquals(profile(id), export.path("profile"));
        assertEquals(rows("SELECT id::text AS id, body, ARRAY(SELECT entity_id::text FROM post_targets t WHERE t.post_id = p.id "
                + "ORDER BY entity_id) AS \"targetEntityIds\", created_at AS \"createdAt\", deleted_at AS \"deletedAt\" "
                + "FROM posts p WHERE author_id = ? ORDER BY created_at, id", id), export.path("posts"));
        assertEquals(2, export.path("posts").size());
        assertEquals(rows("SELECT followee_id::text AS \"userId\", created_at AS \"followedAt\" FROM user_follows "
                + "WHERE follower_id = ? ORDER BY created_at, followee_id", id), export.path("follows").path("users"));
        assertEquals(rows("SELECT entity_id::text AS \"entityId\", created_at AS \"followedAt\" FROM entity_follows "
                + "WHERE user_id = ? ORDER BY created_at, entity_id", id), export.path("follows").path("entities"));
        assertEquals(rows("SELECT blocked_id::text AS \"userId\", created_at AS \"blockedAt\" FROM user_blocks "
                + "WHERE blocker_id = ? ORDER BY created_at, blocked_id", id), export.path("blocks"));
        assertEquals(rows("SELECT post_id::text AS \"postId\", type, created_at AS \"createdAt\" FROM post_actions "
                + "WHERE user_id = ? ORDER BY created_at, post_id, type", id), export.path("actions"));
        assertEquals(2, export.path("actions").size());
        assertEquals(rows("SELECT id::text AS id, kind, name, created_at AS \"createdAt\" FROM entities WHERE created_by = ? "
                + "ORDER BY created_at, id", id), export.path("entitiesCreated"));
        assertEquals(rows("SELECT provider, subject, created_at AS \"linkedAt\" FROM user_identities WHERE user_id = ? "
                + "ORDER BY created_at, provider, subject", id), export.path("identities"));
        assertEquals(1, export.path("identities").size());
        JsonNode events = export.path("usageEvents");
        assertEquals(rowsAsAdmin("SELECT event_id::text AS \"eventId\", type, item_id AS \"itemId\", surface, lane, "
                + "feed_request_id AS \"feedRequestId\", occurred_at AS \"occurredAt\", received_at AS \"receivedAt\", meta, served "
                + "FROM usage_events WHERE user_id = ? ORDER BY occurred_at, event_id", id), events);
        assertEquals(2, events.size());
        assertFalse(r.asString().contains("not mine"), "another user's post is not exported");
        assertTrue(r.asString().contains("deleted, still stored"), "a soft-deleted post is still stored, so exported");
    }

    @Test
    void anAccountWithNothingButItselfExportsItsProfileAndEmptySections() throws Exception {
        AuthApi.Account me = AuthApi.register();
        JsonNode export = JSON.readTree(given().header("X-Forwarded-For", newIp()).auth().oauth2(me.accessToken())
                .when().get("/v1/auth/me/export").then().statusCode(200).extract().asByteArray());
        assertEquals(me.handle(), export.path("profile").path("handle").asText());
        for (String section : new String[] {"posts", "blocks", "actions", "entitiesCreated", "identities", "usageEvents"}) {
            assertTrue(export.path(section).isArray() && export.path(section).isEmpty(), section);
        }
        assertTrue(export.path("follows").path("users").isEmpty() && export.path("follows").path("entities").isEmpty());
        assertEquals(AccountExport.SECTIONS, iterable(export.fieldNames()));
    }

    @Test
    void aMatchingIfNoneMatchIsA304UntilTheStoreChangesAndNoSpoolFileOutlivesTheAnswer() throws Exception {
        AuthApi.Account me = AuthApi.register();
        // Well past the server's 8 KB output buffer: the answer goes with its Content-Length, never chunked (in
        // Lambda a chunked answer trips the HTTP adapter).
        store.update("INSERT INTO posts (id, author_id, body) SELECT gen_random_uuid(), ?, repeat('x', 200) FROM generate_series(1, 300)",
                UUID.fromString(me.id()));
        String ip = newIp();
        Response first = given().header("X-Forwarded-For", ip).auth().oauth2(me.accessToken()).when().get("/v1/auth/me/export");
        first.then().statusCode(200);
        assertTrue(first.asByteArray().length > 64 * 1024, "a large export: " + first.asByteArray().length + " bytes");
        assertEquals(String.valueOf(first.asByteArray().length), first.header("Content-Length"));
        assertEquals(300, JSON.readTree(first.asByteArray()).path("posts").size());
        String tag = first.header("ETag");

        Response again = given().header("X-Forwarded-For", ip).header("If-None-Match", "W/" + tag)
                .auth().oauth2(me.accessToken()).when().get("/v1/auth/me/export");
        again.then().statusCode(304).header("ETag", tag);
        assertEquals("private, no-store", String.join(", ", again.headers().getValues("Cache-Control")));
        assertEquals(0, again.asByteArray().length);

        store.update("INSERT INTO posts (id, author_id, body) VALUES (?, ?, 'a new post')", UUID.randomUUID(), UUID.fromString(me.id()));
        Response changed = given().header("X-Forwarded-For", ip).header("If-None-Match", tag)
                .auth().oauth2(me.accessToken()).when().get("/v1/auth/me/export");
        changed.then().statusCode(200);
        assertNotEquals(tag, changed.header("ETag"));
        assertTrue(changed.asString().contains("a new post"));
        try (var spools = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(List.of(), spools.filter(f -> f.getFileName().toString().startsWith("paddock-export-")).toList(),
                    "each spool file is deleted once its answer is sent or a 304 made it unneeded");
        }
    }

    @Test
    void anExportDeletesSpoolFilesThatAnAbandonedAnswerLeftBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path abandoned = Files.createTempFile(tmp, AccountExport.SPOOL_PREFIX, ".json");
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(AccountExport.ABANDONED_AFTER).minusSeconds(60)));
        AuthApi.Account me = AuthApi.register();
        given().header("X-Forwarded-For", newIp()).auth().oauth2(me.accessToken()).when().get("/v1/auth/me/export")
                .then().statusCode(200);
        assertFalse(Files.exists(abandoned), "a spool file older than any answer is swept by the next export");
    }

    @Test
    void theSweepLeavesSpoolFilesWhoseAnswersMayStillBeSendingAndOtherFiles() throws Exception {
        Path dir = Files.createTempDirectory("export-sweep");
        Instant cutoff = Instant.now().minus(AccountExport.ABANDONED_AFTER);
        Path old = Files.createFile(dir.resolve(AccountExport.SPOOL_PREFIX + "1.json"));
        Path recent = Files.createFile(dir.resolve(AccountExport.SPOOL_PREFIX + "2.json"));
        Path someoneElses = Files.createFile(dir.resolve("other-1.json"));
        for (Path p : List.of(old, someoneElses)) {
            Files.setLastModifiedTime(p, FileTime.from(cutoff.minusSeconds(1)));
        }
        AccountExport.deleteAbandonedSpools(dir, cutoff);
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent));
        assertTrue(Files.exists(someoneElses));
        for (Path p : List.of(recent, someoneElses, dir)) {
            Files.delete(p);
        }
    }

    @Test
    void anAnonymousCallerGetsA401() {
        given().header("X-Forwarded-For", newIp()).when().get("/v1/auth/me/export").then().statusCode(401)
                .contentType(AuthApi.PROBLEM);
    }

    private JsonNode profile(UUID id) throws SQLException {
        ArrayNode one = rows("SELECT id::text AS id, email, handle, display_name AS \"displayName\", role, "
                + "created_at AS \"createdAt\", updated_at AS \"updatedAt\" FROM users WHERE id = ?", id);
        assertEquals(1, one.size());
        return one.get(0);
    }

    /** The rows as JSON objects: columns by their labels, times as the API writes them, arrays and jsonb as JSON. */
    private ArrayNode rows(String query, UUID id) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            return rows(c, query, id);
        }
    }

    private ArrayNode rowsAsAdmin(String query, UUID id) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement admin = c.prepareStatement("SELECT set_config('app.role', 'admin', true)")) {
                admin.execute();
                return rows(c, query, id);
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }

    private static ArrayNode rows(Connection c, String query, UUID id) throws SQLException {
        ArrayNode rows = NODES.arrayNode();
        try (PreparedStatement s = c.prepareStatement(query)) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ObjectNode row = rows.addObject();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        String label = rs.getMetaData().getColumnLabel(i);
                        Object value = rs.getObject(i);
                        if (value == null) {
                            row.putNull(label);
                        } else if (value instanceof Timestamp at) {
                            row.put(label, Timestamps.format(at.toInstant()));
                        } else if (value instanceof java.sql.Array array) {
                            ArrayNode items = row.putArray(label);
                            for (Object item : (Object[]) array.getArray()) {
                                items.add(String.valueOf(item));
                            }
                        } else if (value instanceof Boolean b) {
                            row.put(label, b);
                        } else if ("jsonb".equals(rs.getMetaData().getColumnTypeName(i))) {
                            try {
                                row.set(label, JSON.readTree(rs.getString(i)));
                            } catch (java.io.IOException e) {
                                throw new IllegalStateException(e);
                            }
                        } else {
                            row.put(label, rs.getString(i));
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static java.util.List<String> iterable(Iterator<String> names) {
        java.util.List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
