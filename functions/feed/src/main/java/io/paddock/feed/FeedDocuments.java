package io.paddock.feed;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The contract's JSON shapes of the feed routes. */
public final class FeedDocuments {

    private FeedDocuments() {
    }

    public record Author(UUID id, String handle, @Schema(nullable = true) String displayName) {
    }

    /**
     * {@code post}: {id, author: {id, handle, displayName}, body, targetEntityIds, createdAt, likeCount}.
     * {@code keysetCreatedAt} is the exact stored time (microseconds) the next page's cursor starts from;
     * it is not part of the JSON.
     */
    public record Post(UUID id, Author author, String body, List<UUID> targetEntityIds, String createdAt, long likeCount,
            @JsonIgnore Instant keysetCreatedAt) {
    }

    public record Page(List<Post> items,
            @Schema(nullable = true, description = "Pass as ?cursor= for the next page; null at the end") String nextCursor) {
    }

    public record PostCreated(Post post) {
    }

    public record Entity(UUID id, String kind, String name, String createdAt) {
    }

    public record EntityCreated(Entity entity) {
    }
}
