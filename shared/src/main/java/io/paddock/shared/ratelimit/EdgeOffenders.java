package io.paddock.shared.ratelimit;

import io.paddock.shared.db.Database;
import io.paddock.shared.net.IpAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The offenders that the edge blocks: client addresses that keep getting 429s. The rate limiter
 * records them here (table edge_blocks); the ratelimit function's scheduled EdgeBlockHandler mirrors
 * the active ones into the AWS WAF IP set of the CloudFront web ACL, so from the next sync on their
 * requests stop at CloudFront instead of costing a Lambda invocation each.
 *
 * <p>Addresses must be IPv4 or IPv6 literals; anything else is refused with
 * {@link IllegalArgumentException} before it reaches SQL. Rows are written in {@link IpAddress}'s spelling,
 * the one the rate limiter's {@code ip:} keys use.
 */
@ApplicationScoped
public class EdgeOffenders {

    /** A new row, or a later end for an existing one: blocks are extended, never shortened. */
    static final String RECORD = "INSERT INTO edge_blocks AS b (ip, blocked_until) "
            + "VALUES (?::inet, now() + ? * interval '1 millisecond') "
            + "ON CONFLICT (ip) DO UPDATE SET blocked_until = greatest(b.blocked_until, excluded.blocked_until), "
            + "updated_at = now()";
    static final String UNBLOCK = "DELETE FROM edge_blocks WHERE ip = ?::inet";

    /** Above this a duration is a unit mistake (milliseconds taken for seconds), not a policy. */
    static final Duration MAX_BLOCK = Duration.ofDays(30);

    private final Database database;

    public EdgeOffenders(Database database) {
        this.database = database;
    }

    /**
     * Blocks {@code ip} at the edge until at least {@code blockFor} from now (the database's clock); a
     * block that already runs longer keeps its end.
     *
     * @throws IllegalArgumentException when {@code ip} is not an IP literal or {@code blockFor} is not
     *         positive and at most 30 days
     */
    public void record(String ip, Duration blockFor) throws SQLException {
        String address = IpAddress.of(ip).toString();
        if (blockFor == null || blockFor.isNegative() || blockFor.isZero() || blockFor.compareTo(MAX_BLOCK) > 0) {
            throw new IllegalArgumentException("blockFor must be positive and at most " + MAX_BLOCK + ", got " + blockFor);
        }
        database.inTransaction(c -> {
            try (PreparedStatement statement = c.prepareStatement(RECORD)) {
                statement.setString(1, address);
                statement.setLong(2, blockFor.toMillis());
                return statement.executeUpdate();
            }
        });
    }

    /**
     * Lifts the block of {@code ip}; the next sync removes it from the IP set.
     *
     * @return whether the address was blocked
     * @throws IllegalArgumentException when {@code ip} is not an IP literal
     */
    public boolean unblock(String ip) throws SQLException {
        String address = IpAddress.of(ip).toString();
        return database.inTransaction(c -> {
            try (PreparedStatement statement = c.prepareStatement(UNBLOCK)) {
                statement.setString(1, address);
                return statement.executeUpdate() > 0;
            }
        });
    }
}
