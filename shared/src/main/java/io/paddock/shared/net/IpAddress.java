package io.paddock.shared.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address in its one spelling, so that a rate-limit key ({@code ip:<address>}), an
 * {@code edge_blocks} row, the WAF IP set and a rate-limit override all name one client the same way:
 * <ul>
 * <li>IPv4: dotted decimal, four parts ({@code 192.0.2.1});</li>
 * <li>IPv6: RFC 5952 — lowercase, no leading zeros in a group, the longest run of two or more zero groups
 *     (the first on a tie) as {@code ::} ({@code 2001:db8::1});</li>
 * <li>IPv4-mapped IPv6 ({@code ::ffff:192.0.2.1}) as its IPv4 address: that is the form CloudFront and WAF
 *     see for an IPv4 client, so a block on the mapped form would never match. IPv4-compatible
 *     ({@code ::192.0.2.1}) is a different, deprecated kind and stays IPv6 ({@code ::c000:201}).</li>
 * </ul>
 *
 * <p>What is refused: host names, CIDR ranges, zone ids ({@code %eth0}), brackets, whitespace, non-ASCII
 * digits, the short and integer IPv4 forms ({@code 192.0.2}, {@code 3221225985}) and any IPv4 part with a
 * leading zero ({@code 010.0.0.1}, also as the tail of an IPv6 address). A leading zero is octal to
 * inet_aton and decimal to others, so the text names two different addresses; taking either would let a
 * client pick its own rate-limit key, and the edge block list has always refused it.
 *
 * <p>The JDK parses; nothing here is a hand parser. {@link InetAddress#getByName} resolves any text it does
 * not read as a literal through DNS, so only text shaped like a literal (checked first, below) reaches it.
 */
public final class IpAddress {

    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final String DOTTED_QUAD = OCTET + "(?:\\." + OCTET + "){3}";
    private static final Pattern IPV4 = Pattern.compile(DOTTED_QUAD);
    /**
     * Hex groups and colons, at least two colons, at most a strict dotted quad at the end. The JDK reads text
     * that starts with a hex digit or a colon and holds a colon as an IPv6 literal or refuses it; it never
     * looks it up. Group counts and the single {@code ::} are left to the JDK.
     */
    private static final Pattern IPV6 = Pattern.compile(
            "[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,6}:" + DOTTED_QUAD);
    private static final int LONGEST = 45; // ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255

    private final String text;
    private final boolean ipv6;

    private IpAddress(String text, boolean ipv6) {
        this.text = text;
        this.ipv6 = ipv6;
    }

    /** The address {@code text} spells, or empty when it is not an IPv4 or IPv6 literal as described above. */
    public static Optional<IpAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > LONGEST
                || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
            return Optional.empty();
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(text);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
        // The JDK hands back an IPv4-mapped address as an Inet4Address already.
        if (address instanceof Inet4Address) {
            return Optional.of(new IpAddress(address.getHostAddress(), false));
        }
        return Optional.of(new IpAddress(rfc5952(address.getAddress()), true));
    }

    /** @throws IllegalArgumentException when {@code text} is not an IPv4 or IPv6 literal (see {@link #parse}) */
    public static IpAddress of(String text) {
        return parse(text).orElseThrow(() -> {
            String shown = text == null ? "null" : "'" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "'";
            return new IllegalArgumentException("not an IPv4 or IPv6 address: " + shown);
        });
    }

    public boolean isIpv6() {
        return ipv6;
    }

    /** The canonical spelling. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpAddress that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    private static String rfc5952(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952 4.2: only a run of two or more zero groups is shortened, the longest, the first on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
