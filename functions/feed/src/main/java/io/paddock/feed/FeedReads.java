package io.paddock.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.feed.FeedDocuments.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The three feeds as JSON bodies: first pages through {@link FeedCache}, later pages (with a cursor)
 * straight from {@link FeedQueries} — they are rarer and each cursor is its own key.
 */
@ApplicationScoped
public class FeedReads {

    /**
     * Handles and entities never change their id (no route renames them): remembered per container. An account can be
     * deleted, though: see {@link #stillTheirs} and {@link #currentUserId}.
     */
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

    /**
     * The home feed's page; {@code clientTags} are the caller's {@code If-None-Match} candidates: when they hold
     * the cached first page's tag, the page comes back as its tag alone ({@link FeedCache.Page#current}).
     */
    public FeedCache.Page home(UUID viewer, FeedCursor cursor, int limit, List<String> clientTags) throws SQLException {
        if (cursor != null) {
            return page(queries.home(viewer, cursor, limit));
        }
        return firstPage(FeedCache.home(viewer), limit, clientTags, () -> write(queries.home(viewer, null, limit)));
    }

    public FeedCache.Page profile(String handle, FeedCursor cursor, int limit, List<String> clientTags) throws SQLException {
        UUID author = userId(handle);
        if (cursor != null) {
            return page(queries.profile(author, cursor, limit));
        }
        return firstPage(FeedCache.profile(author), limit, clientTags, () -> {
            Page page = queries.profile(author, null, limit);
            if (page.items().isEmpty()) {
                stillTheirs(handle, author);
            }
            return write(page);
        });
    }

    public FeedCache.Page entity(UUID entity, FeedCursor cursor, int limit, List<String> clientTags) throws SQLException {
        if (!knownEntities.containsKey(entity)) {
            if (!queries.entityExists(entity)) {
                throw new NotFoundException("No entity " + entity);
            }
            remember(knownEntities, entity, Boolean.TRUE);
        }
        if (cursor != null) {
            return page(queries.entity(entity, cursor, limit));
        }
        return firstPage(FeedCache.entity(entity), limit, clientTags, () -> write(queries.entity(entity, null, limit)));
    }

    /**
     * For writes (a follow): the handle's id read afresh, never from memory, so that nothing new points at a deleted
     * account; 404 for a handle nobody has.
     */
    public UUID currentUserId(String handle) throws SQLException {
        java.util.Optional<UUID> id = queries.userByHandle(handle);
        if (id.isEmpty()) {
            userIds.remove(handle);
            throw new NotFoundException("No user @" + handle);
        }
        remember(userIds, handle, id.get());
        return id.get();
    }

    /**
     * A remembered id is checked again where an account that is gone would show, an empty first page: a deleted
     * account's handle stays reserved (its posts are gone, so its page is empty) and after its grace may become
     * someone else's. 404 then, and the handle is looked up afresh next time.
     */
    private void stillTheirs(String handle, UUID remembered) throws SQLException {
        java.util.Optional<UUID> now = queries.userByHandle(handle);
        if (now.isEmpty() || !now.get().equals(remembered)) {
            userIds.remove(handle, remembered);
            throw new NotFoundException("No user @" + handle);
        }
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

    /**
     * The cache passes on whatever its loader threw: a resource sees a {@link SQLException} (its 503 is
     * mapped in one place) or a 4xx; anything else is a bug (500).
     */
    private FeedCache.Page firstPage(String audience, int limit, List<String> clientTags, FeedCache.Loader loader)
            throws SQLException {
        try {
            return cache.firstPage(audience, limit, clientTags, loader);
        } catch (SQLException | WebApplicationException e) {
            throw e;
        } catch (Exception e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof WebApplicationException answer) {
                throw answer;
            }
            if (e instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new IllegalStateException(e);
        }
    }

    /** A later page: not cached, tagged from its bytes; the tag filter answers 304 when the client holds it. */
    private FeedCache.Page page(Page page) {
        return FeedCache.Page.of(write(page));
    }

    private String write(Page page) {
        try {
            return json.writeValueAsString(page);
        } catch (JsonProcessingException e) {
            // Our own records always serialise; failing here is a bug, not bad input.
            throw new IllegalStateException(e);
        }
    }
}
