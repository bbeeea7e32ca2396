package io.paddock.ratelimit.edge;

import io.paddock.shared.net.IpAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One pass of the edge closed loop: forget the blocks that have ended, then make the edge's blocklist
 * hold exactly the active ones. The pass compares what should be blocked with what is, so a missed or
 * failed run is made good by the next one, and it writes to the blocklist only when the two differ
 * (a WAF update costs a lock round trip and a propagation, every minute otherwise).
 */
public final class EdgeBlockSync {

    /** AWS WAF's quota of addresses in one IP set; past it UpdateIPSet fails and nothing would sync. */
    public static final int MAX_ADDRESSES_PER_IP_SET = 10_000;

    static final String DELETE_EXPIRED = "DELETE FROM edge_blocks WHERE blocked_until <= ?";
    // Latest end first: when more addresses are active than an IP set holds, the longest blocks stay.
    static final String SELECT_ACTIVE = "SELECT host(ip) FROM edge_blocks WHERE blocked_until > ? "
            + "ORDER BY blocked_until DESC, ip";

    /**
     * What a pass did. {@code skipped}: active addresses the blocklist cannot hold (IPv6 without an
     * IPv6 IP set, or past {@link #MAX_ADDRESSES_PER_IP_SET} of one version).
     */
    public record Report(int expired, SortedSet<String> added, SortedSet<String> removed, SortedSet<String> unchanged,
            SortedSet<String> skipped) {

        /** Whether the blocklist was written. */
        public boolean replaced() {
            return !added.isEmpty() || !removed.isEmpty();
        }
    }

    public Report sync(Connection connection, EdgeBlocklist list, Instant now) throws SQLException {
        int expired;
        List<String> active = new ArrayList<>();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement delete = connection.prepareStatement(DELETE_EXPIRED);
                PreparedStatement select = connection.prepareStatement(SELECT_ACTIVE)) {
            delete.setTimestamp(1, Timestamp.from(now));
            expired = delete.executeUpdate();
            select.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    active.add(rs.getString(1));
                }
            }
            // Committed before the blocklist is touched: no transaction stays open across a WAF call.
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }

        SortedSet<String> desired = new TreeSet<>();
        SortedSet<String> skipped = new TreeSet<>();
        int ipv4 = 0;
        int ipv6 = 0;
        for (String host : active) {
            String cidr = cidrOf(host);
            boolean isIpv6 = cidr.indexOf(':') >= 0;
            int sameVersion = isIpv6 ? ipv6 : ipv4;
            if (!list.accepts(cidr) || sameVersion >= MAX_ADDRESSES_PER_IP_SET) {
                skipped.add(cidr);
            } else if (desired.add(cidr)) {
                if (isIpv6) {
                    ipv6++;
                } else {
                    ipv4++;
                }
            }
        }
        SortedSet<String> current = new TreeSet<>();
        for (String cidr : list.addresses()) {
            current.add(canonicalCidr(cidr));
        }
        SortedSet<String> added = new TreeSet<>(desired);
        added.removeAll(current);
        SortedSet<String> removed = new TreeSet<>(current);
        removed.removeAll(desired);
        SortedSet<String> unchanged = new TreeSet<>(desired);
        unchanged.retainAll(current);
        Report report = new Report(expired, Collections.unmodifiableSortedSet(added),
                Collections.unmodifiableSortedSet(removed), Collections.unmodifiableSortedSet(unchanged),
                Collections.unmodifiableSortedSet(skipped));
        if (report.replaced()) {
            list.replace(Collections.unmodifiableSet(desired));
        }
        return report;
    }

    /** One address as the single-address CIDR WAF expects: /32 for IPv4, /128 for IPv6. */
    static String cidrOf(String address) {
        IpAddress canonical = IpAddress.of(address);
        return canonical + (canonical.isIpv6() ? "/128" : "/32");
    }

    /**
     * A CIDR read back from the blocklist in the form {@link #cidrOf} writes, so that a list which
     * spells an address differently (upper case, leading zeros) is not taken for a different one.
     * Anything that does not parse stays as it is and is removed at the next write.
     */
    static String canonicalCidr(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return cidr;
        }
        try {
            IpAddress address = IpAddress.of(cidr.substring(0, slash));
            int prefix = Integer.parseInt(cidr.substring(slash + 1));
            int bits = address.isIpv6() ? 128 : 32;
            // A mapped IPv6 address turns into IPv4 here; its /128 then fits no IPv4 prefix.
            return prefix >= 0 && prefix <= bits ? address + "/" + prefix : cidr;
        } catch (IllegalArgumentException e) {
            return cidr;
        }
    }
}
