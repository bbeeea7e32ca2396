package io.paddock.shared.auth;

import io.paddock.shared.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract's client address: the left-most X-Forwarded-For hop that the edge vouches for, else the
 * source IP. Every trusted proxy (CloudFront, ...) appends the address it saw, so with N trusted hops
 * the client is the N-th entry from the right; anything left of it is what the client claimed and is
 * ignored. With 0 trusted hops the header is ignored entirely.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String resolve(String sourceIp, List<String> forwardedFor, int trustedHops) {
        String source = normalise(sourceIp);
        sourceIp = source == null ? sourceIp : source;
        if (trustedHops <= 0 || forwardedFor == null || forwardedFor.isEmpty()) {
            return sourceIp;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        if (hops.size() < trustedHops) {
            return sourceIp;
        }
        String candidate = normalise(hops.get(hops.size() - trustedHops));
        return candidate == null ? sourceIp : candidate;
    }

    /**
     * One spelling per address, so one client is one rate-limit key and its {@code edge_blocks} row names it
     * the same way: {@link IpAddress}'s. Null for anything that is not an IP literal (host names are never
     * resolved).
     */
    public static String normalise(String text) {
        return IpAddress.parse(text).map(IpAddress::toString).orElse(null);
    }
}
