package io.paddock.shared.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.shared.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Admins' per-user adjustments (table rate_limit_overrides), held in memory and reloaded at most every
 * {@code refresh}: the limiter must not add a database round trip to every request. A change made
 * through the admin route applies at once in the container that made it and within {@code refresh}
 * everywhere else. If the database cannot be read, the last known overrides stay in force.
 */
public final class RateLimitOverrides {

    private static final Logger LOG = Logger.getLogger(RateLimitOverrides.class);
    static final int MAX_ROWS = 100_000;
    static final String LOAD = "SELECT user_id, tier, multipliers FROM rate_limit_overrides ORDER BY updated_at DESC LIMIT "
            + (MAX_ROWS + 1);

    /** One user's override: another tier and/or per-category multipliers (both optional). */
    public record Override(Optional<String> tier, Map<Category, Double> multipliers) {
    }

    private final Database database;
    private final Duration refresh;
    private final LongSupplier clockMillis;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Map<UUID, Override> byUser = Map.of();
    private volatile long loadedAt = Long.MIN_VALUE;

    public RateLimitOverrides(Database database, Duration refresh, LongSupplier clockMillis) {
        this.database = database;
        this.refresh = refresh;
        this.clockMillis = clockMillis;
    }

    public Optional<Override> of(UUID userId) {
        reloadIfStale();
        return Optional.ofNullable(byUser.get(userId));
    }

    /** The next lookup reads the table again (after an admin changed it here). */
    public void invalidate() {
        loadedAt = Long.MIN_VALUE;
    }

    private void reloadIfStale() {
        long now = clockMillis.getAsLong();
        if (loadedAt != Long.MIN_VALUE && now - loadedAt < refresh.toMillis()) {
            return;
        }
        synchronized (this) {
            if (loadedAt != Long.MIN_VALUE && now - loadedAt < refresh.toMillis()) {
                return;
            }
            // Set first: if the database is down, the next attempt waits a full period instead of every request trying.
            loadedAt = now;
            try {
                byUser = load();
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("rate-limit overrides not reloaded, keeping %d known: %s", byUser.size(), e.getMessage());
            }
        }
    }

    private Map<UUID, Override> load() throws SQLException {
        return database.inTransaction(c -> {
            Map<UUID, Override> out = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement(LOAD); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (out.size() == MAX_ROWS) {
                        LOG.warnf("more than %d rate-limit overrides; the oldest are ignored", MAX_ROWS);
                        break;
                    }
                    out.put(rs.getObject(1, UUID.class), new Override(Optional.ofNullable(rs.getString(2)),
                            multipliers(rs.getString(3))));
                }
            }
            return Map.copyOf(out);
        });
    }

    /** The stored JSON object {"read": 2, ...}; entries that are not a known category and a positive number are skipped. */
    Map<Category, Double> multipliers(String stored) {
        Map<Category, Double> out = new EnumMap<>(Category.class);
        if (stored == null) {
            return out;
        }
        try {
            JsonNode node = json.readTree(stored);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    Category c = Category.valueOf(e.getKey().toUpperCase(Locale.ROOT));
                    if (e.getValue().isNumber() && e.getValue().asDouble() > 0) {
                        out.put(c, e.getValue().asDouble());
                    }
                } catch (IllegalArgumentException unknown) {
                    // A category that no longer exists: ignore it rather than fail every request.
                }
            }
        } catch (Exception e) {
            LOG.warnf("unreadable rate-limit multipliers %s", stored);
        }
        return out;
    }
}
