package io.paddock.ratelimit.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A blocklist in memory that remembers every {@link #replace} call: a stand-in edge for local mode,
 * where there is no WAF, and for tests, which check how often the sync writes and what.
 */
public final class RecordingEdgeBlocklist implements EdgeBlocklist {

    private final boolean acceptsIpv6;
    private Set<String> addresses = Set.of();
    private final List<Set<String>> replacements = new ArrayList<>();

    /** Holds IPv4 and IPv6, as the WAF blocklist does with both IP sets configured. */
    public RecordingEdgeBlocklist() {
        this(true);
    }

    private RecordingEdgeBlocklist(boolean acceptsIpv6) {
        this.acceptsIpv6 = acceptsIpv6;
    }

    /** Holds IPv4 only, as the WAF blocklist does without an IPv6 IP set. */
    public static RecordingEdgeBlocklist ipv4Only() {
        return new RecordingEdgeBlocklist(false);
    }

    @Override
    public synchronized Set<String> addresses() {
        return addresses;
    }

    @Override
    public synchronized void replace(Set<String> cidrs) {
        addresses = Set.copyOf(cidrs);
        replacements.add(addresses);
    }

    @Override
    public boolean accepts(String cidr) {
        return acceptsIpv6 || cidr.indexOf(':') < 0;
    }

    /** Each {@link #replace} argument, oldest first. */
    public synchronized List<Set<String>> replacements() {
        return List.copyOf(replacements);
    }
}
