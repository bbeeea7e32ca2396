package io.paddock.auth;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.paddock.shared.db.Database;
import io.paddock.shared.events.UsageEventRows;
import io.paddock.shared.http.EntityTags;
import io.paddock.shared.http.Timestamps;
import io.paddock.shared.ids.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * {@code GET /v1/auth/me/export}: everything stored about the caller, as one JSON document written while the rows
 * are read. Each section is one query read through a server-side cursor ({@link #FETCH_SIZE} rows at a time) and
 * written with a Jackson {@link JsonGenerator}, so a user with a million usage events costs a few rows of memory,
 * not a list of them. All sections come from one read-only REPEATABLE READ transaction: one snapshot, so a post
 * written meanwhile is in every section or in none.
 *
 * <p>What it holds: the profile (never the password hash), the posts (soft-deleted ones too, with their targets),
 * the follows of users and entities, the blocks, the actions (likes, saves, hides, reports), the entities the
 * caller created, and the usage events as stored (meta already scrubbed at ingestion; read under row-level security
 * as the caller). Fields are the stored columns; times are RFC 3339 UTC with milliseconds.
 *
 * <p>The route answers a {@link #spooled} copy: the document goes to a file of this container (owner-only, deleted
 * once sent) while its SHA-256 is taken, and only then do the headers go. So the answer carries the strong
 * {@code ETag} the contract asks of every GET (and a 304 for a matching {@code If-None-Match}) and a
 * {@code Content-Length}, and a store failure half-way is still a 503 problem rather than a document cut short.
 * Memory stays a few rows whatever the account holds; the file costs disk ({@code /tmp} in Lambda) for as long as the
 * answer takes. Should the server drop an answer without ever asking for its body, the file would stay: each export
 * first deletes spool files older than {@link #ABANDONED_AFTER}, so what is left behind is bounded by one container's
 * exports of a quarter of an hour.
 */
@ApplicationScoped
public class AccountExport {

    private static final Logger LOG = Logger.getLogger(AccountExport.class);

    static final int FETCH_SIZE = 500;
    static final String SPOOL_PREFIX = "paddock-export-";
    /** Far beyond any answer's time (a Lambda invocation ends within 15 min), so only an abandoned file is this old. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(15);
    static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    static final String PROFILE = "SELECT id, email, handle, display_name, role, created_at, updated_at FROM users "
            + "WHERE id = ? AND deleted_at IS NULL";
    static final String POSTS = "SELECT p.id, p.body, p.created_at, p.deleted_at, "
            + "ARRAY(SELECT t.entity_id FROM post_targets t WHERE t.post_id = p.id ORDER BY t.entity_id) "
            + "FROM posts p WHERE p.author_id = ? ORDER BY p.created_at, p.id";
    static final String FOLLOWED_USERS = "SELECT followee_id, created_at FROM user_follows WHERE follower_id = ? "
            + "ORDER BY created_at, followee_id";
    static final String FOLLOWED_ENTITIES = "SELECT entity_id, created_at FROM entity_follows WHERE user_id = ? "
            + "ORDER BY created_at, entity_id";
    static final String BLOCKS = "SELECT blocked_id, created_at FROM user_blocks WHERE blocker_id = ? ORDER BY created_at, blocked_id";
    static final String ACTIONS = "SELECT post_id, type, created_at FROM post_actions WHERE user_id = ? "
            + "ORDER BY created_at, post_id, type";
    static final String ENTITIES_CREATED = "SELECT id, kind, name, created_at FROM entities WHERE created_by = ? "
            + "ORDER BY created_at, id";
    /** The Apple and Google sign-ins linked to the account: who the provider says the user is, never a token. */
    static final String IDENTITIES = "SELECT provider, subject, created_at FROM user_identities WHERE user_id = ? "
            + "ORDER BY created_at, provider, subject";
    static final String USAGE_EVENTS = "SELECT event_id, type, item_id, surface, lane, feed_request_id, occurred_at, "
            + "received_at, meta::text, served FROM usage_events WHERE user_id = ? ORDER BY occurred_at, event_id";

    /** No live account: the resource checks first (a 401); this is the rest of a race with the deletion. */
    public static final class NoAccount extends Exception {
        NoAccount() {
            super("no account", null, false, false);
        }
    }

    private final Database database;
    /** The file's stream is {@link #spooled}'s to close; closing the generator flushes its buffer into it. */
    private final JsonFactory json = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    public AccountExport(Database database) {
        this.database = database;
    }

    /** A written export: its file, strong tag and length. The route sends its {@link #body()} or, on a 304, closes it. */
    public record Spooled(Path file, String etag, long length) implements AutoCloseable {

        /** The file as a response body; the file is deleted once it is sent, or once sending failed. */
        public StreamingOutput body() {
            return out -> {
                try {
                    Files.copy(file, out);
                } finally {
                    close();
                }
            };
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warnf("an export spool file could not be deleted: %s", e.getMessage());
            }
        }
    }

    /**
     * Writes the export of {@code userId} to a temporary file, hashing it on the way. {@link NoAccount} (and no file)
     * when there is no live account; any failure deletes what was written.
     */
    public Spooled spooled(UUID userId) throws SQLException, NoAccount, IOException {
        Path file = Files.createTempFile(SPOOL_PREFIX, ".json"); // rw------- on POSIX: it is personal data
        deleteAbandonedSpools(file.getParent(), Instant.now().minus(ABANDONED_AFTER));
        try {
            MessageDigest sha256 = Sha256.newDigest();
            try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), sha256)) {
                write(userId, out);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return new Spooled(file, EntityTags.strongTagOfDigest(sha256.digest()), Files.size(file));
        } catch (SQLException | NoAccount | IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Deletes the spool files in {@code directory} last written before {@code cutoff}; a failure only logs. */
    static void deleteAbandonedSpools(Path directory, Instant cutoff) {
        try (DirectoryStream<Path> spools = Files.newDirectoryStream(directory, SPOOL_PREFIX + "*.json")) {
            for (Path spool : spools) {
                try {
                    if (Files.getLastModifiedTime(spool).toInstant().isBefore(cutoff) && Files.deleteIfExists(spool)) {
                        LOG.warnf("deleted an export spool file whose answer never sent it: %s", spool.getFileName());
                    }
                } catch (NoSuchFileException sentMeanwhile) {
                    // its own answer deleted it between the listing and the check
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("abandoned export spool files could not be swept: %s", e.getMessage());
        }
    }

    /**
     * Writes the export of {@code userId} to {@code out}. Throws {@link NoAccount} before writing anything when
     * there is no live account.
     */
    public void write(UUID userId, OutputStream out) throws SQLException, NoAccount {
        try {
            database.inTransaction(c -> {
                try (PreparedStatement snapshot = c.prepareStatement(SNAPSHOT)) {
                    snapshot.execute();
                }
                try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
                    if (!profile(c, userId, g)) {
                        throw new NoAccountSignal();
                    }
                    g.writeArrayFieldStart("posts");
                    rows(c, POSTS, userId, rs -> {
                        g.writeStartObject();
                        g.writeStringField("id", rs.getObject(1, UUID.class).toString());
                        g.writeStringField("body", rs.getString(2));
                        g.writeArrayFieldStart("targetEntityIds");
                        for (UUID entity : (UUID[]) rs.getArray(5).getArray()) {
                            g.writeString(entity.toString());
                        }
                        g.writeEndArray();
                        time(g, "createdAt", rs.getTimestamp(3));
                        time(g, "deletedAt", rs.getTimestamp(4));
                        g.writeEndObject();
                    });
                    g.writeEndArray();
                    g.writeObjectFieldStart("follows");
                    idsAndTimes(c, g, "users", FOLLOWED_USERS, userId, "userId", "followedAt");
                    idsAndTimes(c, g, "entities", FOLLOWED_ENTITIES, userId, "entityId", "followedAt");
                    g.writeEndObject();
                    idsAndTimes(c, g, "blocks", BLOCKS, userId, "userId", "blockedAt");
                    g.writeArrayFieldStart("actions");
                    rows(c, ACTIONS, userId, rs -> {
                        g.writeStartObject();
                        g.writeStringField("postId", rs.getObject(1, UUID.class).toString());
                        g.writeStringField("type", rs.getString(2));
                        time(g, "createdAt", rs.getTimestamp(3));
                        g.writeEndObject();
                    });
                    g.writeEndArray();
                    g.writeArrayFieldStart("entitiesCreated");
                    rows(c, ENTITIES_CREATED, userId, rs -> {
                        g.writeStartObject();
                        g.writeStringField("id", rs.getObject(1, UUID.class).toString());
                        g.writeStringField("kind", rs.getString(2));
                        g.writeStringField("name", rs.getString(3));
                        time(g, "createdAt", rs.getTimestamp(4));
                        g.writeEndObject();
                    });
                    g.writeEndArray();
                    g.writeArrayFieldStart("identities");
                    rows(c, IDENTITIES, userId, rs -> {
                        g.writeStartObject();
                        g.writeStringField("provider", rs.getString(1));
                        g.writeStringField("subject", rs.getString(2));
                        time(g, "linkedAt", rs.getTimestamp(3));
                        g.writeEndObject();
                    });
                    g.writeEndArray();
                    // Row-level security reads usage_events as the caller, as GET /v1/events does.
                    UsageEventRows.actAs(c, new UsageEventRows.Sender(userId, null, false));
                    g.writeArrayFieldStart("usageEvents");
                    rows(c, USAGE_EVENTS, userId, rs -> usageEvent(g, rs));
                    g.writeEndArray();
                    g.writeEndObject();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
        } catch (NoAccountSignal signal) {
            throw new NoAccount();
        }
    }

    private static boolean profile(Connection c, UUID userId, JsonGenerator g) throws SQLException, IOException {
        try (PreparedStatement s = c.prepareStatement(PROFILE)) {
            s.setObject(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                g.writeStartObject();
                g.writeObjectFieldStart("profile");
                g.writeStringField("id", rs.getObject(1, UUID.class).toString());
                g.writeStringField("email", rs.getString(2));
                g.writeStringField("handle", rs.getString(3));
                g.writeStringField("displayName", rs.getString(4));
                g.writeStringField("role", rs.getString(5));
                time(g, "createdAt", rs.getTimestamp(6));
                time(g, "updatedAt", rs.getTimestamp(7));
                g.writeEndObject();
                return true;
            }
        }
    }

    private static void usageEvent(JsonGenerator g, ResultSet rs) throws SQLException, IOException {
        g.writeStartObject();
        g.writeStringField("eventId", rs.getObject(1, UUID.class).toString());
        g.writeStringField("type", rs.getString(2));
        g.writeStringField("itemId", rs.getString(3));
        g.writeStringField("surface", rs.getString(4));
        g.writeStringField("lane", rs.getString(5));
        g.writeStringField("feedRequestId", rs.getString(6));
        time(g, "occurredAt", rs.getTimestamp(7));
        time(g, "receivedAt", rs.getTimestamp(8));
        String meta = rs.getString(9);
        g.writeFieldName("meta");
        if (meta == null) {
            g.writeNull();
        } else {
            g.writeRawValue(meta); // jsonb's own text: valid JSON as stored
        }
        boolean served = rs.getBoolean(10);
        g.writeFieldName("served");
        if (rs.wasNull()) {
            g.writeNull();
        } else {
            g.writeBoolean(served);
        }
        g.writeEndObject();
    }

    private static void idsAndTimes(Connection c, JsonGenerator g, String section, String sql, UUID userId, String idField,
            String timeField) throws SQLException, IOException {
        g.writeArrayFieldStart(section);
        rows(c, sql, userId, rs -> {
            g.writeStartObject();
            g.writeStringField(idField, rs.getObject(1, UUID.class).toString());
            time(g, timeField, rs.getTimestamp(2));
            g.writeEndObject();
        });
        g.writeEndArray();
    }

    private static void time(JsonGenerator g, String field, Timestamp at) throws IOException {
        if (at == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, Timestamps.format(at.toInstant()));
        }
    }

    /** Reads through a cursor (autocommit is off in the transaction), handing each row on as it arrives. */
    private static void rows(Connection c, String sql, UUID userId, Row row) throws SQLException, IOException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(FETCH_SIZE);
            s.setObject(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    row.write(rs);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Row {
        void write(ResultSet rs) throws SQLException, IOException;
    }

    /** Carries "no account" out of the transaction lambda before a byte is written. */
    private static final class NoAccountSignal extends RuntimeException {
        NoAccountSignal() {
            super(null, null, false, false);
        }
    }

    /** The sections' names in the order they are written: the document's shape, for readers and tests. */
    static final List<String> SECTIONS = List.of("profile", "posts", "follows", "blocks", "actions", "entitiesCreated",
            "identities", "usageEvents");
}
