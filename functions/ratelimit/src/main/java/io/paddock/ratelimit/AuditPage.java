package io.paddock.ratelimit;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.paddock.shared.http.TimeOrderedCursor;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of GET /v1/admin/audit, newest first, and the keyset cursor that continues it. */
public record AuditPage(List<AuditEntry> items,
        @Schema(nullable = true, description = "Pass as ?cursor= for the next page; null at the end") String nextCursor) {

    /** One row of the trail; every field is written, null where the row has none. */
    public record AuditEntry(UUID id,
            @Schema(type = SchemaType.STRING, enumeration = {"auth.signed_in", "auth.sign_in_backoff_started", "auth.refresh_token_reused",
                    "account.deleted", "account.role_changed", "api_key.created", "api_key.revoked",
                    "rate_limit.override_set", "rate_limit.override_removed", "rate_limit.unblocked"})
            String action,
            @Schema(nullable = true, format = "uuid", description = "The signed-in user who acted; null when nobody "
                    + "signed in did (a failed sign-in, a reused refresh token, a role changed with SQL)")
            String actorId,
            @Schema(nullable = true, description = "What was acted on: a user id, a rate-limit key (ip:…, user:…), an API key id")
            String targetId,
            Instant at,
            @Schema(nullable = true, description = "X-Request-Id of the request that acted; null outside one") String requestId,
            @Schema(nullable = true, description = "The client address of that request") String clientAddress,
            @JsonRawValue
            @Schema(type = SchemaType.OBJECT, nullable = true, additionalProperties = Schema.True.class,
                    description = "A little context per action (never a secret), e.g. the tier an override set")
            String details) {
    }

    /** Position after the last item: (at, id), newest first. */
    public record Cursor(Instant at, UUID id) {

        private static final String VERSION = "a1";

        public String encode() {
            return new TimeOrderedCursor(at, id).encode(VERSION);
        }

        /**
         * Only admins read the trail, all of it.
         *
         * @throws IllegalArgumentException for anything this server did not issue ({@link TimeOrderedCursor})
         */
        public static Cursor decode(String cursor) {
            TimeOrderedCursor position = TimeOrderedCursor.decode(VERSION, cursor);
            return new Cursor(position.at(), position.id());
        }
    }
}
