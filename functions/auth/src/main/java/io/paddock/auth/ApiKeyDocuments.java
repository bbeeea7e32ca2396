package io.paddock.auth;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the API-key routes answer: never a key's hash, and its secret only in {@link Created}. */
public final class ApiKeyDocuments {

    private ApiKeyDocuments() {
    }

    /** 201 of POST /v1/admin/api-keys: the one answer that holds the key. */
    @Schema(name = "CreatedApiKey")
    public record Created(UUID id, String name,
            @Schema(description = "Sorted: read, telemetry:write") List<String> scopes,
            @Schema(description = "The key, shown only here: send it as Authorization: ApiKey <key>. Paddock keeps "
                    + "only its SHA-256 and cannot show it again.", pattern = "^pdk_[A-Za-z0-9_-]{43}$")
            String key,
            Instant createdAt) {

        /** Never the key in a log line or an exception message. */
        @Override
        public String toString() {
            return "Created[id=" + id + "]";
        }
    }

    /** One key of GET /v1/admin/api-keys. */
    @Schema(name = "ApiKey")
    public record Entry(UUID id, String name,
            @Schema(description = "Sorted: read, telemetry:write") List<String> scopes,
            Instant createdAt,
            @Schema(nullable = true, description = "The last request it authenticated, to the minute; null if never used")
            Instant lastUsedAt,
            @Schema(nullable = true, description = "When it was revoked; null while it is valid") Instant revokedAt) {
    }

    /** GET /v1/admin/api-keys: newest first. */
    @Schema(name = "ApiKeyPage")
    public record Page(List<Entry> items,
            @Schema(nullable = true, description = "Pass as ?cursor= for the next page; null at the end") String nextCursor) {
    }
}
