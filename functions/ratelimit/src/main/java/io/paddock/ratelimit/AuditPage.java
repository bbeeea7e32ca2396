package io.paddock.ratelimit;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.paddock.shared.http.StorableText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
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
            String raw = VERSION + "|" + at.toEpochMilli() + "|" + at.getNano() % 1_000_000 + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * @throws IllegalArgumentException for anything this server did not issue. Only admins read the trail, all
         *         of it, so a forged position reveals nothing more: the cursor is validated, not signed.
         */
        public static Cursor decode(String cursor) {
            try {
                if (cursor.length() > 200) {
                    throw new IllegalArgumentException();
                }
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                if (parts.length != 4 || !VERSION.equals(parts[0])) {
                    throw new IllegalArgumentException();
                }
                long nanos = Long.parseLong(parts[2]);
                if (nanos < 0 || nanos >= 1_000_000) {
                    throw new IllegalArgumentException();
                }
                Instant at = Instant.ofEpochMilli(Long.parseLong(parts[1])).plusNanos(nanos);
                if (!StorableText.saneInstant(at)) {
                    throw new IllegalArgumentException();
                }
                UUID id = UUID.fromString(parts[3]);
                if (!parts[3].equals(id.toString())) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(at, id);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cursor was not issued by this server");
            }
        }
    }
}
