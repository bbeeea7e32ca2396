package io.paddock.shared.ratelimit;

import io.paddock.shared.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * L2: the limit on PostgreSQL while Redis is unreachable — {@code check_rate_limit()} (migration V7),
 * a fixed window aligned to the epoch. Coarser than L1: a client can get up to 2× the limit across a
 * window boundary, and the windows restart from zero when traffic moves here. That is the documented
 * price of holding limits at all during a Redis outage instead of failing open.
 */
public final class FixedWindowFallback {

    static final String CHECK = "SELECT allowed, remaining, reset_seconds FROM check_rate_limit(?, ?, ?)";
    // Same window arithmetic as check_rate_limit(), without counting.
    static final String PEEK = "SELECT count, greatest(ceil(extract(epoch FROM expires_at - clock_timestamp())), 1)::int "
            + "FROM rate_limit_counters WHERE key = ? "
            + "AND window_start = to_timestamp(floor(extract(epoch FROM clock_timestamp()) / ?) * ?)";
    static final String CLEAR = "DELETE FROM rate_limit_counters WHERE key LIKE ? ESCAPE '!'";
    static final String PRUNE = "SELECT prune_rate_limit_counters()";
    /** Rows are only written while Redis is down, so that is when they are pruned: about once per this many checks. */
    static final int PRUNE_EVERY = 500;

    private final Database database;

    public FixedWindowFallback(Database database) {
        this.database = database;
    }

    public Standing check(String subject, Category category, int limit, Duration window) throws SQLException {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(CHECK)) {
                s.setString(1, key(subject, category));
                s.setInt(2, limit);
                s.setInt(3, (int) window.toSeconds());
                Standing standing;
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    standing = new Standing(category, limit, rs.getInt(2), rs.getInt(3), window.toSeconds(), rs.getBoolean(1));
                }
                if (ThreadLocalRandom.current().nextInt(PRUNE_EVERY) == 0) {
                    try (PreparedStatement prune = c.prepareStatement(PRUNE)) {
                        prune.execute();
                    }
                }
                return standing;
            }
        });
    }

    public Map<Category, Standing> peek(String subject, Map<Category, Integer> limits, Duration window) throws SQLException {
        return database.inTransaction(c -> {
            Map<Category, Standing> out = new EnumMap<>(Category.class);
            try (PreparedStatement s = c.prepareStatement(PEEK)) {
                for (Map.Entry<Category, Integer> e : limits.entrySet()) {
                    s.setString(1, key(subject, e.getKey()));
                    s.setInt(2, (int) window.toSeconds());
                    s.setInt(3, (int) window.toSeconds());
                    int used = 0;
                    long reset = window.toSeconds();
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            used = Math.min(rs.getInt(1), e.getValue());
                            reset = rs.getInt(2);
                        }
                    }
                    out.put(e.getKey(), new Standing(e.getKey(), e.getValue(), e.getValue() - used, reset,
                            window.toSeconds(), used < e.getValue()));
                }
            }
            return out;
        });
    }

    public void clear(String subject) throws SQLException {
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(CLEAR)) {
                s.setString(1, subject.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "|%");
                return s.executeUpdate();
            }
        });
    }

    static String key(String subject, Category category) {
        return subject + "|" + category.policyName();
    }
}
