package io.paddock.ratelimit.edge;

import java.util.Set;

/**
 * The edge's list of blocked addresses, in CIDR notation ({@code 192.0.2.1/32}, {@code 2001:db8::1/128}).
 * {@link EdgeBlockSync} owns its whole content: it replaces the list with the active rows of
 * edge_blocks, so an entry added by hand is removed by the next sync.
 */
public interface EdgeBlocklist {

    /** The CIDRs in the list now. */
    Set<String> addresses();

    /** Makes the list hold exactly {@code cidrs}. */
    void replace(Set<String> cidrs);

    /**
     * Whether the list can hold {@code cidr} at all. A WAF IP set holds one IP version, and the IPv6
     * set is optional: without it IPv6 offenders are reported as skipped instead of making every
     * sync see a difference it can never close.
     */
    default boolean accepts(String cidr) {
        return true;
    }
}
