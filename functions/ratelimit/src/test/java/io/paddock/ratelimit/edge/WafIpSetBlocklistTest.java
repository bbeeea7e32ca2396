package io.paddock.ratelimit.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;

/** The WAF blocklist through the real SDK client, against {@link WafApiStandIn}. */
class WafIpSetBlocklistTest {

    private static final String V4_ID = "a1b2c3d4-5678-90ab-cdef-000000000004";
    private static final String V6_ID = "a1b2c3d4-5678-90ab-cdef-000000000006";
    private static final WafIpSetBlocklist.IpSet V4 = new WafIpSetBlocklist.IpSet("paddock-edge-v4", V4_ID);
    private static final WafIpSetBlocklist.IpSet V6 = new WafIpSetBlocklist.IpSet("paddock-edge-v6", V6_ID);

    private WafApiStandIn waf;

    @BeforeEach
    void start() throws Exception {
        waf = new WafApiStandIn();
    }

    @AfterEach
    void stop() {
        waf.close();
    }

    @Test
    void addressesAreBothIpSetsAndAReplaceWritesOnlyTheSetThatChanged() {
        waf.add(V4.name(), V4_ID, "IPV4", "Paddock edge offenders (IPv4)", "192.0.2.1/32");
        waf.add(V6.name(), V6_ID, "IPV6", null, "2001:db8::1/128");
        WafIpSetBlocklist list = new WafIpSetBlocklist(waf.client(), V4, Optional.of(V6));

        assertEquals(Set.of("192.0.2.1/32", "2001:db8::1/128"), list.addresses());
        waf.calls.clear();
        list.replace(Set.of("192.0.2.1/32", "192.0.2.2/32", "2001:db8::1/128"));

        assertEquals(List.of("GetIPSet paddock-edge-v4", "UpdateIPSet paddock-edge-v4", "GetIPSet paddock-edge-v6"), waf.calls);
        assertEquals(List.of("192.0.2.1/32", "192.0.2.2/32"), waf.addressesOf(V4_ID));
        assertEquals("Paddock edge offenders (IPv4)", waf.lastUpdate.get(V4.name()).path("Description").asText(),
                "an update carries the description, which WAF would otherwise erase");
    }

    @Test
    void anUpdateThatLosesToAnotherWriterIsReadAgainAndRetriedOnce() {
        waf.add(V4.name(), V4_ID, "IPV4", null);
        waf.interferingWriters = 1;
        WafIpSetBlocklist list = new WafIpSetBlocklist(waf.client(), V4, Optional.empty());

        list.replace(Set.of("198.51.100.1/32"));

        assertEquals(List.of("GetIPSet paddock-edge-v4", "UpdateIPSet paddock-edge-v4", "GetIPSet paddock-edge-v4",
                "UpdateIPSet paddock-edge-v4"), waf.calls);
        assertEquals(List.of("198.51.100.1/32"), waf.addressesOf(V4_ID), "the other writer's address is replaced");
    }

    @Test
    void aSecondConflictFailsTheRun() {
        waf.add(V4.name(), V4_ID, "IPV4", null);
        waf.interferingWriters = 2;
        WafIpSetBlocklist list = new WafIpSetBlocklist(waf.client(), V4, Optional.empty());

        assertThrows(WafOptimisticLockException.class, () -> list.replace(Set.of("198.51.100.1/32")));
        assertEquals(2, waf.calls.stream().filter(c -> c.startsWith("UpdateIPSet")).count());
    }

    @Test
    void withoutAnIpv6SetIpv6IsNotAccepted() {
        waf.add(V4.name(), V4_ID, "IPV4", null);
        WafIpSetBlocklist list = new WafIpSetBlocklist(waf.client(), V4, Optional.empty());

        assertTrue(list.accepts("192.0.2.1/32"));
        assertFalse(list.accepts("2001:db8::1/128"));
        assertThrows(IllegalArgumentException.class, () -> list.replace(Set.of("2001:db8::1/128")));
        assertTrue(waf.calls.isEmpty(), "refused before any call: " + waf.calls);
    }

    @Test
    void anIpSetOfTheWrongVersionIsNamedInTheError() {
        waf.add(V4.name(), V4_ID, "IPV6", null);
        WafIpSetBlocklist list = new WafIpSetBlocklist(waf.client(), V4, Optional.empty());

        IllegalStateException e = assertThrows(IllegalStateException.class, list::addresses);
        assertTrue(e.getMessage().contains("paddock-edge-v4") && e.getMessage().contains("IPV6"), e.getMessage());
    }

    @Test
    void ipSetNamesAndIdsAreCheckedAgainstWafsPatterns() {
        assertThrows(IllegalArgumentException.class, () -> new WafIpSetBlocklist.IpSet("has space", V4_ID));
        assertThrows(IllegalArgumentException.class, () -> new WafIpSetBlocklist.IpSet("ok", "A1B2C3D4-5678-90AB-CDEF-000000000004"));
        assertThrows(IllegalArgumentException.class, () -> new WafIpSetBlocklist.IpSet("ok", "arn:aws:wafv2:us-east-1:1:global/ipset/x/y"));
    }
}
