package io.paddock.auth;

import io.paddock.shared.audit.AuditAction;
import io.paddock.shared.audit.AuditTrail;
import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.auth.Principal;
import io.paddock.shared.db.Database;
import io.paddock.shared.events.UsageEventRows;
import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.redis.FeedAudiences;
import io.paddock.shared.resilience.StoreBreaker;
import io.paddock.shared.resilience.StoreBreakers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Deletes an account ({@code DELETE /v1/auth/me}, {@code DELETE /v1/admin/users/{userId}}): its data, its cached
 * feed pages, and every token it holds. What goes and what stays, and why, is README's "What deletion removes".
 *
 * <p>The order makes a deletion cut short safe to run again, and running it again is how it is finished:
 * <ol>
 * <li>one PostgreSQL transaction removes the user's rows, clears the users row down to its reservation
 * ({@code deleted_at}, {@code released_at}) — from its commit on, the account cannot sign in, refresh, or be
 * read through any route — and first notes which cached feeds showed the user's posts;</li>
 * <li>those feeds' cache versions move on ({@link FeedAudiences}), best effort: a page lives 30 s at most;</li>
 * <li>every refresh-token family is revoked with every access token it issued, the caller's own last: until then
 * the caller's token still works, so a failure anywhere before (a 503) can be answered by calling again.</li>
 * </ol>
 * Every step is idempotent: the transaction of a second run finds nothing left to remove (it removes again what a
 * late writer added, such as a parked telemetry batch replayed in between), the first {@code deleted_at} and
 * {@code released_at} stay, and revoking a revoked family changes nothing.
 *
 * <p>Hazards: a second run knows no feed audiences (the rows that named them are gone), so a cache bump lost to a
 * Redis outage in the first run is not repeated — the pages expire within their TTL. A sign-in whose password
 * check passed just before the transaction committed may open a family after the index was read: its refresh
 * token is refused (no account), its access token lives out its 15 minutes. Public pages already at the CDN stay
 * there for their {@code s-maxage} and {@code stale-while-revalidate} (30 + 60 s by default; up to the 300 s of
 * {@code stale-if-error} while the origin fails).
 */
@ApplicationScoped
public class AccountDeletion {

    private static final Logger LOG = Logger.getLogger(AccountDeletion.class);

    /** Not a PHC string, so no password verifies against it (PasswordHasher answers "wrong" for anything else). */
    static final String NO_PASSWORD = "!deleted";

    static final String LOCK_ACCOUNT = "SELECT deleted_at IS NOT NULL FROM users WHERE id = ? FOR UPDATE";
    static final String TARGETED_ENTITIES = "SELECT DISTINCT t.entity_id FROM post_targets t JOIN posts p ON p.id = t.post_id "
            + "WHERE p.author_id = ?";
    /** Whose home feed can show the user's posts: the user's followers and the followers of the entities they targeted. */
    static final String HOME_AUDIENCE = "SELECT follower_id FROM user_follows WHERE followee_id = ? "
            + "UNION SELECT user_id FROM entity_follows WHERE entity_id = ANY(?)";
    /** Each statement removes one kind of row; see README "What deletion removes" for why each goes or stays. */
    static final List<String> ERASE = List.of(
            // Their content, soft-deleted posts included; targets and everyone's actions on them go by cascade.
            "DELETE FROM posts WHERE author_id = ?",
            // Likes, saves, hides and reports: what they did.
            "DELETE FROM post_actions WHERE user_id = ?",
            "DELETE FROM user_follows WHERE follower_id = ? OR followee_id = ?",
            "DELETE FROM entity_follows WHERE user_id = ?",
            "DELETE FROM user_blocks WHERE blocker_id = ? OR blocked_id = ?",
            // Others' posts and followers point at the entity: it stays, no longer naming who made it.
            "UPDATE entities SET created_by = NULL, idempotency_key = NULL WHERE created_by = ?",
            "DELETE FROM rate_limit_overrides WHERE user_id = ?",
            // Apple and Google sign-ins: a provider's user must not sign into the reserved row, nor link later.
            "DELETE FROM user_identities WHERE user_id = ?");
    /** Usage events and their claimed ids, as admin (row-level security lets only admins delete). */
    static final List<String> ERASE_EVENTS = List.of(
            "DELETE FROM usage_events WHERE user_id = ?",
            "DELETE FROM usage_event_ids WHERE actor = ?::text");
    /** The first deletion's times stay: a second run must not move the release further away. */
    static final String RESERVE = "UPDATE users SET deleted_at = coalesce(deleted_at, now()), "
            + "released_at = coalesce(released_at, now() + make_interval(secs => ?)), display_name = NULL, "
            + "password_hash = '" + NO_PASSWORD + "', updated_at = now() WHERE id = ?";

    /** What the transaction found. */
    record Erased(boolean existed, Set<String> audiences) {
    }

    private final Database database;
    private final RefreshTokens refreshTokens;
    private final AccessTokens accessTokens;
    private final ReactiveRedisDataSource redis;
    private final StoreBreaker redisBreaker;
    private final Duration grace;
    private final AuditTrail audit;

    @Inject
    public AccountDeletion(Database database, RefreshTokens refreshTokens, AccessTokens accessTokens,
            ReactiveRedisDataSource redis, StoreBreakers breakers, AccountDeletionSettings settings, AuditTrail audit) {
        this.database = database;
        this.audit = audit;
        this.refreshTokens = refreshTokens;
        this.accessTokens = accessTokens;
        this.redis = redis;
        this.redisBreaker = breakers.redis();
        this.grace = settings.grace();
    }

    /**
     * Deletes {@code userId}'s account; {@code caller} is the deleting token when it is the account's own (its
     * family and the token itself are revoked last), empty for an admin. {@code actor} is who deletes: the owner
     * or the admin; the audit trail's row names them, written in the erasure's transaction and only by the call
     * that erases, so a repeated deletion adds no second row. Returns whether there was an account row (live or
     * already deleted); either way the call succeeded. Store failures are thrown (503): call again.
     */
    public boolean delete(UUID userId, UUID actor, Optional<Principal> caller) throws SQLException {
        Erased erased = database.inTransaction(c -> erase(c, userId, actor));
        bumpFeeds(erased.audiences());
        String ownFamily = caller.map(Principal::familyId).orElse(null);
        refreshTokens.revokeEveryFamilyOf(userId, ownFamily);
        // A token outside any family (none is issued by sign-in, but one may exist) has only its own jti to list.
        caller.filter(p -> p.familyId() == null).ifPresent(accessTokens::revoke);
        LOG.infof("account %s deleted (%s)", userId, erased.existed() ? "row reserved" : "no row");
        return erased.existed();
    }

    private Erased erase(Connection c, UUID userId, UUID actor) throws SQLException {
        Optional<Boolean> alreadyDeleted = lock(c, userId);
        if (alreadyDeleted.isEmpty()) {
            return new Erased(false, Set.of());
        }
        Set<String> audiences = new LinkedHashSet<>();
        if (!alreadyDeleted.get()) {
            audiences.addAll(audiences(c, userId));
            audit.record(c, AuditAction.ACCOUNT_DELETED, actor, userId.toString(),
                    Map.of("by", actor.equals(userId) ? "owner" : "admin"));
        }
        for (String sql : ERASE) {
            update(c, sql, userId);
        }
        // Switches this transaction to paddock_app acting as an admin: the usage_events policies allow only that.
        UsageEventRows.actAs(c, new UsageEventRows.Sender(userId, null, true));
        for (String sql : ERASE_EVENTS) {
            update(c, sql, userId);
        }
        try (PreparedStatement reserve = c.prepareStatement(RESERVE)) {
            reserve.setLong(1, grace.toSeconds());
            reserve.setObject(2, userId);
            reserve.executeUpdate();
        }
        return new Erased(true, audiences);
    }

    /** Locks the row against a concurrent deletion; empty when there is none, else whether it was deleted before. */
    private static Optional<Boolean> lock(Connection c, UUID userId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LOCK_ACCOUNT)) {
            s.setObject(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
            }
        }
    }

    /** Every cached feed that may show the user's posts: theirs, their entities', and the homes that reach them. */
    private static Set<String> audiences(Connection c, UUID userId) throws SQLException {
        Set<String> audiences = new LinkedHashSet<>();
        audiences.add(FeedAudiences.profile(userId));
        audiences.add(FeedAudiences.home(userId));
        List<UUID> entities = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(TARGETED_ENTITIES)) {
            s.setObject(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    entities.add(rs.getObject(1, UUID.class));
                }
            }
        }
        entities.forEach(e -> audiences.add(FeedAudiences.entity(e)));
        try (PreparedStatement s = c.prepareStatement(HOME_AUDIENCE)) {
            s.setObject(1, userId);
            s.setArray(2, c.createArrayOf("uuid", entities.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    audiences.add(FeedAudiences.home(rs.getObject(1, UUID.class)));
                }
            }
        }
        return audiences;
    }

    /** Every {@code ?} of these statements is the user's id. */
    private static void update(Connection c, String sql, UUID userId) throws SQLException {
        int parameters = (int) sql.chars().filter(ch -> ch == '?').count();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 1; i <= parameters; i++) {
                s.setObject(i, userId);
            }
            s.executeUpdate();
        }
    }

    private void bumpFeeds(Set<String> audiences) {
        if (audiences.isEmpty()) {
            return;
        }
        try {
            redisBreaker.call("feed bump", () -> {
                FeedAudiences.bump(redis, audiences, Duration.ofSeconds(5));
                return null;
            });
        } catch (RuntimeException redisDown) {
            // Best effort (class comment): the pages expire within the cache TTL.
            LOG.warnf("feed caches of deleted account not bumped (%d audiences): %s", audiences.size(),
                    redisDown.getClass().getSimpleName());
            RequestRecords.current().degraded("feed-bump-skipped");
        }
    }
}
