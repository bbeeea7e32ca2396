package io.paddock.shared.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The contract's client address: the left-most X-Forwarded-For hop that the edge vouches for, else the
 * source IP. Every trusted proxy (CloudFront, ...) appends the address it saw, so with N trusted hops
 * the client is the N-th entry from the right; anything left of it is what the client claimed and is
 * ignored. With 0 trusted hops the header is ignored entirely.
 */
public final class ClientAddress {

    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ClientAddress() {
    }

    public static String resolve(String sourceIp, List<String> forwardedFor, int trustedHops) {
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
        String candidate = hops.get(hops.size() - trustedHops);
        return ADDRESS.matcher(candidate).matches() ? candidate : sourceIp;
    }
}
