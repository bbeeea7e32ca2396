package io.paddock.shared.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

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
     * One spelling per address, so one client is one rate-limit key: IPv4 dotted quad, IPv6 in Java's
     * full form (lower case), an IPv4-mapped IPv6 address as its IPv4 address. Null for anything that
     * is not an IP literal (host names are never resolved).
     */
    public static String normalise(String text) {
        if (text == null || !ADDRESS.matcher(text).matches()) {
            return null;
        }
        if (text.indexOf(':') < 0 && !IPV4.matcher(text).matches()) {
            return null;
        }
        try {
            // Only literals reach this point (checked above), so getByName parses and never looks anything up.
            return InetAddress.getByName(text).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
