package io.paddock.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.feed.FeedDocuments.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The three feeds as JSON bodies: first pages through {@link FeedCache}, later pages (with a cursor)
 * straight from {@link FeedQueries} — they are rarer and each cursor is its own key.
 */
@ApplicationScoped
public class FeedReads {

    /** Handles and entities never change their id (no route renames or deletes them): remembered per container. */
    static final int MAX_REMEMBERED = 10_000;

    private final FeedQueries queries;
    private final FeedCache cache;
    private final ObjectMapper json;
    private final Map<String, UUID> userIds = new ConcurrentHashMap<>();
    private final Map<UUID, Boolean> knownEntities = new ConcurrentHashMap<>();

    public FeedReads(FeedQueries queries, FeedCache cache, ObjectMapper json) {
        this.queries = queries;
        this.cache = cache;
        this.json = json;
    }

    public String home(UUID viewer, FeedCursor cursor, int limit) throws Exception {
        if (cursor != null) {
            return write(queries.home(viewer, cursor, limit));
        }
        return cache.firstPage(FeedCache.home(viewer), limit, () -> write(queries.home(viewer, null, limit)));
    }

    public String profile(String handle, FeedCursor cursor, int limit) throws Exception {
        UUID author = userId(handle);
        if (cursor != null) {
            return write(queries.profile(author, cursor, limit));
        }
        return cache.firstPage(FeedCache.profile(author), limit, () -> write(queries.profile(author, null, limit)));
    }

    public String entity(UUID entity, FeedCursor cursor, int limit) throws Exception {
        if (!knownEntities.containsKey(entity)) {
            if (!queries.entityExists(entity)) {
                throw new NotFoundException("No entity " + entity);
            }
            remember(knownEntities, entity, Boolean.TRUE);
        }
        if (cursor != null) {
            return write(queries.entity(entity, cursor, limit));
        }
        return cache.firstPage(FeedCache.entity(entity), limit, () -> write(queries.entity(entity, null, limit)));
    }

    /** 404 for a handle nobody has. */
    public UUID userId(String handle) throws SQLException {
        UUID known = userIds.get(handle);
        if (known != null) {
            return known;
        }
        UUID id = queries.userByHandle(handle).orElseThrow(() -> new NotFoundException("No user @" + handle));
        remember(userIds, handle, id);
        return id;
    }

    private static <K, V> void remember(Map<K, V> map, K key, V value) {
        if (map.size() >= MAX_REMEMBERED) {
            map.clear();
        }
        map.put(key, value);
    }

    private String write(Page page) throws JsonProcessingException {
        return json.writeValueAsString(page);
    }
}
