package io.paddock.auth;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The shape of {@code GET /v1/auth/me/export}, for the OpenAPI document only: {@link AccountExport} writes the
 * same fields row by row with a JSON generator and never builds these records.
 */
@Schema(name = "AccountExport", description = "Everything stored about the caller; times RFC 3339 UTC with milliseconds")
public record ExportDocument(Profile profile, List<Post> posts, Follows follows, List<Block> blocks, List<Action> actions,
        List<Entity> entitiesCreated, List<Identity> identities, List<Event> usageEvents) {

    /** The users row, without the password hash. */
    @Schema(name = "AccountExportProfile")
    public record Profile(@Schema(format = "uuid") String id, String email, String handle,
            @Schema(nullable = true) String displayName, @Schema(enumeration = {"user", "admin"}) String role,
            @Schema(format = "date-time") String createdAt, @Schema(format = "date-time") String updatedAt) {
    }

    /** Every post the caller wrote, deleted ones too (deletedAt set): they are still stored. */
    @Schema(name = "AccountExportPost")
    public record Post(@Schema(format = "uuid") String id, String body, List<String> targetEntityIds,
            @Schema(format = "date-time") String createdAt, @Schema(format = "date-time", nullable = true) String deletedAt) {
    }

    @Schema(name = "AccountExportFollows")
    public record Follows(List<FollowedUser> users, List<FollowedEntity> entities) {
    }

    @Schema(name = "AccountExportFollowedUser")
    public record FollowedUser(@Schema(format = "uuid") String userId, @Schema(format = "date-time") String followedAt) {
    }

    @Schema(name = "AccountExportFollowedEntity")
    public record FollowedEntity(@Schema(format = "uuid") String entityId, @Schema(format = "date-time") String followedAt) {
    }

    @Schema(name = "AccountExportBlock")
    public record Block(@Schema(format = "uuid") String userId, @Schema(format = "date-time") String blockedAt) {
    }

    /** A like, save, hide or report. */
    @Schema(name = "AccountExportAction")
    public record Action(@Schema(format = "uuid") String postId,
            @Schema(enumeration = {"like", "save", "hide", "report"}) String type,
            @Schema(format = "date-time") String createdAt) {
    }

    /** An entity the caller created (it outlives the account, without its creator). */
    @Schema(name = "AccountExportEntity")
    public record Entity(@Schema(format = "uuid") String id, String kind, String name,
            @Schema(format = "date-time") String createdAt) {
    }

    /** A sign-in with Apple or Google linked to the account: the provider's id of the user (sub), no token. */
    @Schema(name = "AccountExportIdentity")
    public record Identity(@Schema(enumeration = {"apple", "google"}) String provider, String subject,
            @Schema(format = "date-time") String linkedAt) {
    }

    /** A usage event as stored: meta as scrubbed at ingestion; served for impressions (null when unknown). */
    @Schema(name = "AccountExportUsageEvent")
    public record Event(@Schema(format = "uuid") String eventId, String type, @Schema(nullable = true) String itemId,
            @Schema(nullable = true) String surface, @Schema(nullable = true) String lane,
            @Schema(nullable = true) String feedRequestId, @Schema(format = "date-time") String occurredAt,
            @Schema(format = "date-time") String receivedAt,
            @Schema(type = SchemaType.OBJECT, additionalProperties = Schema.True.class, nullable = true) String meta,
            @Schema(nullable = true) Boolean served) {
    }
}
