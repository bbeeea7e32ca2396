package io.paddock.local;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * What each group of operations in the OpenAPI document is for. The document is served by this app only (no
 * function ships it), so the groups are described here, once, rather than on one of the resources sharing a tag.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiTags implements OASFilter {

    static final Map<String, String> DESCRIPTIONS = Map.of(
            "Auth", "Accounts and sessions: register, log in, refresh (rotating refresh-token families with reuse "
                    + "detection), log out, the caller's account, and the public keys that verify access tokens",
            "Feed", "The home feed (followed users, followed entities, the caller's own posts), public profile and "
                    + "entity feeds, posts, entities, follows and actions on posts",
            "Usage telemetry", "Batched usage events (impressions, dwell, clicks …), stored once per eventId with "
                    + "personal data scrubbed; the caller's own events",
            "Analytics", "Admin: click-through rates and funnels computed from usage events",
            "Rate limits", "The caller's standing in every rate-limit category; admin overrides and unblocking",
            "Audit", "Admin: the audit trail of admin actions and security events (sign-ins, back-offs, refresh-token "
                    + "reuse, role changes, overrides, unblocks), newest first",
            "Health", "Whether each store answers; for load balancers and people");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getTags() != null) {
            openAPI.getTags().forEach(tag -> {
                String description = DESCRIPTIONS.get(tag.getName());
                if (description == null) {
                    // Fails the build: a new group of routes says what it is for before it ships.
                    throw new IllegalStateException("No description for the OpenAPI tag '" + tag.getName() + "' in ApiTags");
                }
                tag.setDescription(description);
            });
        }
    }
}
