package io.paddock.shared.ratelimit;

import io.paddock.shared.db.Database;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;

/**
 * The offenders that the edge blocks: client addresses that keep getting 429s. The rate limiter
 * records them here (table edge_blocks); the ratelimit function's scheduled EdgeBlockHandler mirrors
 * the active ones into the AWS WAF IP set of the CloudFront web ACL, so from the next sync on their
 * requests stop at CloudFront instead of costing a Lambda invocation each.
 *
 * <p>Addresses must be IPv4 or IPv6 literals; anything else is refused with
 * {@link IllegalArgumentException} before it reaches SQL. Parsing is done here on purpose, not with
 * {@code InetAddress.getByName}, which falls back to a DNS lookup for text that is not a literal.
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
        String address = canonicalAddress(ip);
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
        String address = canonicalAddress(ip);
        return database.inTransaction(c -> {
            try (PreparedStatement statement = c.prepareStatement(UNBLOCK)) {
                statement.setString(1, address);
                return statement.executeUpdate() > 0;
            }
        });
    }

    /**
     * The one text form of an address: IPv4 dotted decimal, IPv6 as RFC 5952 has it (lowercase, no
     * leading zeros, the longest run of zero groups as {@code ::}). An IPv4-mapped IPv6 address
     * ({@code ::ffff:192.0.2.1}) becomes the IPv4 address, since that is the form CloudFront and WAF
     * see for an IPv4 client; a block on the mapped form would never match.
     *
     * @throws IllegalArgumentException when {@code ip} is not an IPv4 or IPv6 literal (hostnames, CIDR
     *         ranges, zone ids, brackets and whitespace included)
     */
    public static String canonicalAddress(String ip) {
        if (ip == null || ip.isEmpty() || ip.length() > 45) {
            throw notAnAddress(ip);
        }
        if (ip.indexOf(':') < 0) {
            byte[] v4 = parseIpv4(ip);
            if (v4 == null) {
                throw notAnAddress(ip);
            }
            return formatIpv4(v4, 0);
        }
        byte[] v6 = parseIpv6(ip);
        if (v6 == null) {
            throw notAnAddress(ip);
        }
        return isIpv4Mapped(v6) ? formatIpv4(v6, 12) : formatIpv6(v6);
    }

    private static IllegalArgumentException notAnAddress(String ip) {
        String shown = ip == null ? "null" : "'" + (ip.length() > 60 ? ip.substring(0, 60) + "…" : ip) + "'";
        return new IllegalArgumentException("not an IPv4 or IPv6 address: " + shown);
    }

    /** Four decimal octets; a leading zero is refused because some parsers read it as octal. */
    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return null;
            }
            int value = 0;
            for (int k = 0; k < part.length(); k++) {
                char ch = part.charAt(k);
                if (ch < '0' || ch > '9') {
                    return null;
                }
                value = value * 10 + (ch - '0');
            }
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    /** RFC 4291 text: eight groups of 1–4 hex digits, at most one {@code ::}, an IPv4 tail allowed. */
    private static byte[] parseIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = groups(gap < 0 ? s : s.substring(0, gap), gap < 0);
        int[] tail = gap < 0 ? new int[0] : groups(s.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int explicit = head.length + tail.length;
        // Without "::" all eight groups are written; with it, it stands for at least one zero group.
        if (gap < 0 ? explicit != 8 : explicit > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < head.length; i++) {
            bytes[2 * i] = (byte) (head[i] >> 8);
            bytes[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tail.length; i++) {
            int group = 8 - tail.length + i;
            bytes[2 * group] = (byte) (tail[i] >> 8);
            bytes[2 * group + 1] = (byte) tail[i];
        }
        return bytes;
    }

    /** The 16-bit groups of one side of {@code ::}; {@code endsAddress}: may end in dotted IPv4. */
    private static int[] groups(String part, boolean endsAddress) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] tokens = part.split(":", -1);
        int[] values = new int[tokens.length + 1];
        int n = 0;
        for (int t = 0; t < tokens.length; t++) {
            String token = tokens[t];
            if (endsAddress && t == tokens.length - 1 && token.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(token);
                if (v4 == null) {
                    return null;
                }
                values[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                values[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
                continue;
            }
            if (token.isEmpty() || token.length() > 4) {
                return null;
            }
            int value = 0;
            for (int k = 0; k < token.length(); k++) {
                int digit = Character.digit(token.charAt(k), 16);
                if (digit < 0 || token.charAt(k) > 'f') { // Character.digit also takes non-ASCII digits
                    return null;
                }
                value = value << 4 | digit;
            }
            values[n++] = value;
        }
        return Arrays.copyOf(values, n);
    }

    private static boolean isIpv4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff;
    }

    private static String formatIpv4(byte[] bytes, int from) {
        return (bytes[from] & 0xff) + "." + (bytes[from + 1] & 0xff) + "." + (bytes[from + 2] & 0xff) + "."
                + (bytes[from + 3] & 0xff);
    }

    private static String formatIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952 4.2: the longest run of two or more zero groups becomes "::", the first one on a tie.
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
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
