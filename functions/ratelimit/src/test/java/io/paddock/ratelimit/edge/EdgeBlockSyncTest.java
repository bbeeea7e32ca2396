package io.paddock.ratelimit.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.auth.ClientAddress;
import io.paddock.shared.net.IpAddress;
import io.paddock.shared.ratelimit.EdgeOffenders;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The closed loop on the real PostgreSQL: offenders recorded through {@link EdgeOffenders} reach the
 * blocklist through {@link EdgeBlockSync}, and leave it when their block ends. Time is passed to the
 * sync explicitly; the blocks themselves end on the database's clock, which is this machine's.
 */
class EdgeBlockSyncTest {

    private final EdgeOffenders offenders = new EdgeOffenders(EdgeStore.database());
    private final RecordingEdgeBlocklist blocklist = new RecordingEdgeBlocklist();

    @BeforeEach
    void noOffenders() throws SQLException {
        EdgeStore.clear();
    }

    private EdgeBlockSync.Report sync(EdgeBlocklist list, Instant now) throws SQLException {
        try (Connection c = EdgeStore.asApplication()) {
            return new EdgeBlockSync().sync(c, list, now);
        }
    }

    @Test
    void anOffenderIsPushedToTheBlocklistOnce() throws SQLException {
        offenders.record("198.51.100.7", Duration.ofMinutes(10));

        EdgeBlockSync.Report first = sync(blocklist, Instant.now());
        EdgeBlockSync.Report second = sync(blocklist, Instant.now().plusSeconds(60));

        assertEquals(List.of(Set.of("198.51.100.7/32")), blocklist.replacements(), "one replace for two syncs");
        assertEquals(Set.of("198.51.100.7/32"), first.added());
        assertTrue(first.replaced());
        assertFalse(second.replaced());
        assertEquals(Set.of("198.51.100.7/32"), second.unchanged());
    }

    @Test
    void anOffenderIsRemovedFromTheBlocklistAfterItsBlockExpires() throws SQLException {
        offenders.record("198.51.100.8", Duration.ofMinutes(10));
        sync(blocklist, Instant.now());

        EdgeBlockSync.Report afterExpiry = sync(blocklist, Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(1));

        assertEquals(List.of(Set.of("198.51.100.8/32"), Set.of()), blocklist.replacements());
        assertEquals(1, afterExpiry.expired());
        assertEquals(Set.of("198.51.100.8/32"), afterExpiry.removed());
        assertNull(EdgeStore.blockedUntil("198.51.100.8"), "the expired row is deleted");
    }

    @Test
    void recordingAgainExtendsTheBlockButNeverShortensIt() throws SQLException {
        offenders.record("203.0.113.9", Duration.ofMinutes(10));
        Instant firstEnd = EdgeStore.blockedUntil("203.0.113.9");

        offenders.record("203.0.113.9", Duration.ofMinutes(1));
        assertEquals(firstEnd, EdgeStore.blockedUntil("203.0.113.9"), "a shorter block keeps the longer end");

        offenders.record("203.0.113.9", Duration.ofMinutes(20));
        Instant extended = EdgeStore.blockedUntil("203.0.113.9");
        assertTrue(extended.isAfter(firstEnd.plus(Duration.ofMinutes(9))), extended + " vs " + firstEnd);

        EdgeBlockSync.Report later = sync(blocklist, Instant.now().plus(Duration.ofMinutes(15)));
        assertEquals(Set.of("203.0.113.9/32"), later.added(), "still blocked past the first end");
    }

    @Test
    void ipv6OffendersGetA128CidrInCanonicalForm() throws SQLException {
        offenders.record("2001:DB8:0:0:0:0:0:A", Duration.ofMinutes(5));
        offenders.record("::ffff:192.0.2.44", Duration.ofMinutes(5));

        sync(blocklist, Instant.now());

        assertEquals(Set.of("2001:db8::a/128", "192.0.2.44/32"), blocklist.addresses(),
                "IPv4-mapped addresses are blocked as the IPv4 client they are");
    }

    @Test
    void unblockRemovesTheOffenderAndTheNextSyncDropsIt() throws SQLException {
        offenders.record("198.51.100.10", Duration.ofMinutes(10));
        offenders.record("198.51.100.11", Duration.ofMinutes(10));
        sync(blocklist, Instant.now());

        assertTrue(offenders.unblock("198.51.100.10"));
        assertFalse(offenders.unblock("198.51.100.10"), "nothing left to unblock");
        EdgeBlockSync.Report report = sync(blocklist, Instant.now());

        assertEquals(Set.of("198.51.100.10/32"), report.removed());
        assertEquals(Set.of("198.51.100.11/32"), blocklist.addresses());
        assertEquals(0, report.expired(), "an unblock is not an expiry");
    }

    @Test
    void entriesTheSyncDidNotWriteAreRemovedAndDifferentSpellingsAreNotRewritten() throws SQLException {
        offenders.record("2001:db8::1", Duration.ofMinutes(10));
        blocklist.replace(Set.of("2001:DB8:0::1/128", "10.0.0.0/8"));

        EdgeBlockSync.Report report = sync(blocklist, Instant.now());

        assertEquals(Set.of("10.0.0.0/8"), report.removed());
        assertEquals(Set.of("2001:db8::1/128"), report.unchanged());
        assertEquals(Set.of("2001:db8::1/128"), blocklist.addresses());
    }

    @Test
    void ipv6OffendersAreSkippedWhenTheBlocklistHoldsOnlyIpv4() throws SQLException {
        RecordingEdgeBlocklist ipv4Only = RecordingEdgeBlocklist.ipv4Only();
        offenders.record("2001:db8::2", Duration.ofMinutes(10));
        offenders.record("192.0.2.2", Duration.ofMinutes(10));

        EdgeBlockSync.Report first = sync(ipv4Only, Instant.now());
        EdgeBlockSync.Report second = sync(ipv4Only, Instant.now());

        assertEquals(List.of(Set.of("192.0.2.2/32")), ipv4Only.replacements(), "the IPv6 one does not cause a write per run");
        assertEquals(Set.of("2001:db8::2/128"), first.skipped());
        assertEquals(Set.of("2001:db8::2/128"), second.skipped());
        assertFalse(second.replaced());
    }

    @Test
    void beyondTenThousandAddressesOfOneVersionTheLongestBlocksKeepTheirPlace() throws SQLException {
        // The 10,001st IPv4 address ends first (g = 1); IPv6 counts separately, as WAF's sets do.
        EdgeStore.execute("INSERT INTO edge_blocks (ip, blocked_until) "
                + "SELECT '10.0.0.0'::inet + g, now() + interval '1 hour' + g * interval '1 second' "
                + "FROM generate_series(1, " + (EdgeBlockSync.MAX_ADDRESSES_PER_IP_SET + 1) + ") g");
        offenders.record("2001:db8::3", Duration.ofMinutes(10));

        EdgeBlockSync.Report report = sync(blocklist, Instant.now());

        assertEquals(Set.of("10.0.0.1/32"), report.skipped());
        assertEquals(EdgeBlockSync.MAX_ADDRESSES_PER_IP_SET + 1, blocklist.addresses().size());
        assertTrue(blocklist.addresses().contains("10.0.39.17/32"), "the latest-ending one (g = 10001)");
        assertTrue(blocklist.addresses().contains("2001:db8::3/128"));
    }

    @Test
    void invalidIpTextIsRefusedBeforeItReachesSql() throws SQLException {
        for (String bad : new String[] {"example.com", "localhost", "", " 192.0.2.1", "192.0.2.1 ", "192.0.2", "192.0.2.256",
                "192.0.2.01", "192.0.2.0/24", "2001:db8::/64", "[2001:db8::1]", "fe80::1%eth0", "1::2::3", "12345::",
                "2001:db8:1:2:3:4:5:6:7", "１９２.0.2.1", "::ffff:1.2.3", "'; DROP TABLE edge_blocks; --"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> offenders.record(bad, Duration.ofMinutes(1)), bad);
            assertTrue(e.getMessage().startsWith("not an IPv4 or IPv6 address"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> offenders.unblock(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> offenders.record(null, Duration.ofMinutes(1)));
        for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(31)}) {
            assertThrows(IllegalArgumentException.class,
                    () -> offenders.record("192.0.2.1", bad), String.valueOf(bad));
        }
        assertNull(EdgeStore.blockedUntil("192.0.2.1"));
        assertNotNull(canonical("::"), "the unspecified address is still an address");
    }

    @Test
    void addressesHaveOneTextForm() {
        assertEquals("2001:db8::1", canonical("2001:0DB8:0000:0000:0000:0000:0000:0001"));
        assertEquals("2001:db8::1:0:0:1", canonical("2001:db8:0:0:1:0:0:1"), "the first of two equal runs");
        assertEquals("2001:db8:0:1:1:1:1:1", canonical("2001:db8::1:1:1:1:1"), "one zero group stays");
        assertEquals("::1", canonical("0:0:0:0:0:0:0:1"));
        assertEquals("1::", canonical("1:0:0:0:0:0:0:0"));
        assertEquals("::c000:201", canonical("::192.0.2.1"), "IPv4-compatible is not IPv4-mapped");
        assertEquals("192.0.2.1", canonical("::FFFF:c000:0201"));
        assertEquals("0.0.0.0", canonical("0.0.0.0"));
    }

    /**
     * The limiter counts a client under {@code ip:<address>} and blocks it at the edge by its {@code edge_blocks}
     * row; an admin unblock and the WAF IP set must find the one by the other, whichever way the client's
     * address reached us.
     */
    @Test
    void aLimiterKeyAndItsEdgeBlockRowSpellOneAddressAlike() throws SQLException {
        for (String written : new String[] {"::FFFF:10.0.0.1", "2001:DB8:0:0:0:0:0:1", "2001:0db8::0:1", "198.51.100.9"}) {
            EdgeStore.clear();
            String fromSource = ClientAddress.resolve(written, List.of(), 0);
            String fromForwardedFor = ClientAddress.resolve("10.9.9.9", List.of("6.6.6.6, " + written), 1);
            assertEquals(fromSource, fromForwardedFor, written);

            offenders.record(written, Duration.ofMinutes(10));

            assertEquals(List.of(fromSource), EdgeStore.blockedAddresses(), written);
            String cidr = fromSource + (fromSource.contains(":") ? "/128" : "/32");
            assertEquals(Set.of(cidr), sync(new RecordingEdgeBlocklist(), Instant.now()).added(), written);
            assertTrue(offenders.unblock(fromSource), "the limiter's key lifts the block of " + written);
        }
    }

    /** A leading zero is octal to some parsers: neither the limiter key nor the block list takes it. */
    @Test
    void anAddressWithALeadingZeroIsNeitherAKeyNorABlock() throws SQLException {
        assertEquals("10.9.9.9", ClientAddress.resolve("10.9.9.9", List.of("010.000.000.001"), 1),
                "an ambiguous hop is not the client; the source address is");
        assertNull(ClientAddress.normalise("010.000.000.001"));
        assertThrows(IllegalArgumentException.class, () -> offenders.record("010.000.000.001", Duration.ofMinutes(1)));
        assertEquals(List.of(), EdgeStore.blockedAddresses());
    }

    private static String canonical(String text) {
        return IpAddress.of(text).toString();
    }
}
