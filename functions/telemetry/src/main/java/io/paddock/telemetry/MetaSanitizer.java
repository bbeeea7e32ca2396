package io.paddock.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes an event's {@code meta} safe to store: only allow-listed keys of its event type survive,
 * its shape is bounded (depth, key count, serialised size), and every string value is scrubbed of
 * what identifies a person or grants access — e-mail addresses, phone numbers, IP addresses, JWTs and
 * other long tokens, card numbers (Luhn-valid only, so order numbers survive). Scrubbing replaces the
 * match with a marker such as {@code [email]}, so analysts still see that something was there.
 */
public final class MetaSanitizer {

    public static final int MAX_DEPTH = 3;
    public static final int MAX_KEYS = 32;
    public static final int MAX_BYTES = 2048;

    /** Either the cleaned meta or why the event must be rejected. */
    public record Result(ObjectNode meta, String rejection) {
        public boolean accepted() {
            return rejection == null;
        }
    }

    private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+-]+(@|\\s*\\[at\\]\\s*|%40)[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern IPV4 = Pattern.compile(
            "\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b");
    /** Anything with two or more colons made of hex digits, dots and colons; confirmed by parsing. */
    private static final Pattern IPV6_CANDIDATE = Pattern.compile(
            "(?<![0-9A-Za-z:.])[0-9A-Fa-f.]*:[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*(?![0-9A-Za-z:])");
    /** Ids are not personal data and their hex groups look like numbers: they are left as they are. */
    private static final Pattern UUID_SHAPE = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** 13–19 digits with optional single spaces or dashes: card-like, confirmed by Luhn. */
    private static final Pattern CARD = Pattern.compile("\\b\\d(?:[ -]?\\d){12,18}\\b");
    /** +country or local numbers of 7–15 digits with common separators. */
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w.])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]?\\d{2,4}){2,4}(?![\\w.])");
    /** Long opaque tokens: 32+ hex characters, or 24+ base64/base64url characters with letters and digits. */
    private static final Pattern HEX_TOKEN = Pattern.compile("\\b[0-9a-fA-F]{32,}\\b");
    private static final Pattern B64_TOKEN = Pattern.compile("(?<![A-Za-z0-9+/_=-])(?=[A-Za-z0-9+/_-]*\\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/_=-])");

    private final Map<String, Set<String>> allowedKeysByType;

    /** @param allowedKeysByType event type → meta keys it may carry (top level); others are dropped */
    public MetaSanitizer(Map<String, Set<String>> allowedKeysByType) {
        this.allowedKeysByType = Map.copyOf(allowedKeysByType);
    }

    public static MetaSanitizer withDefaults() {
        Set<String> common = Set.of("position", "rank", "source", "variant", "experiment", "screen", "locale",
                "appVersion", "platform");
        return new MetaSanitizer(Map.of(
                "impression", union(common, Set.of("visibleMs", "slot")),
                "dwell_start", common,
                "dwell_end", union(common, Set.of("durationMs")),
                "click", union(common, Set.of("target", "url")),
                "open", union(common, Set.of("referrer")),
                "share", union(common, Set.of("channel")),
                "like", common, "save", common, "hide", union(common, Set.of("reason")),
                "report", union(common, Set.of("reason", "comment"))));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Set.copyOf(java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
    }

    public Result sanitize(String type, JsonNode meta) {
        if (meta == null || meta.isNull() || meta.isMissingNode()) {
            return new Result(JsonNodeFactory.instance.objectNode(), null);
        }
        if (!meta.isObject()) {
            return new Result(null, "meta must be a JSON object");
        }
        int depth = depth(meta);
        if (depth > MAX_DEPTH) {
            return new Result(null, "meta is nested " + depth + " levels deep; at most " + MAX_DEPTH);
        }
        int keys = countKeys(meta);
        if (keys > MAX_KEYS) {
            return new Result(null, "meta has " + keys + " keys; at most " + MAX_KEYS);
        }
        Set<String> allowed = allowedKeysByType.getOrDefault(type, Set.of());
        ObjectNode clean = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (allowed.contains(field.getKey())) {
                clean.set(field.getKey(), scrubNode(field.getValue()));
            }
        }
        int bytes = clean.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return new Result(null, "meta is " + bytes + " bytes serialised; at most " + MAX_BYTES);
        }
        return new Result(clean, null);
    }

    private static JsonNode scrubNode(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(scrub(node.asText()));
        }
        if (node.isNumber() && node.canConvertToLong() && String.valueOf(node.asLong()).length() >= 13
                && luhn(String.valueOf(node.asLong()))) {
            return TextNode.valueOf("[card]");
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(f -> copy.set(scrub(f.getKey()), scrubNode(f.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(scrubNode(element)));
            return copy;
        }
        return node;
    }

    /** Scrubs everything but UUID-shaped ids, which are kept as they are. */
    public static String scrub(String value) {
        Matcher ids = UUID_SHAPE.matcher(value);
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (ids.find()) {
            out.append(scrubText(value.substring(from, ids.start()))).append(ids.group());
            from = ids.end();
        }
        return out.append(scrubText(value.substring(from))).toString();
    }

    /** Order matters: JWTs and e-mails before the generic token and number rules that would split them. */
    private static String scrubText(String value) {
        if (value.isEmpty()) {
            return value;
        }
        String s = JWT.matcher(value).replaceAll("[token]");
        s = EMAIL.matcher(s).replaceAll("[email]");
        s = replaceCards(s);
        s = replaceIpv6(s);
        s = IPV4.matcher(s).replaceAll("[ip]");
        s = HEX_TOKEN.matcher(s).replaceAll("[token]");
        s = B64_TOKEN.matcher(s).replaceAll("[token]");
        return replacePhones(s);
    }

    private static String replaceIpv6(String s) {
        Matcher m = IPV6_CANDIDATE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, isIpv6(m.group()) ? "[ip]" : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A literal never triggers a DNS lookup; times like 12:30:45 fail to parse and survive. */
    private static boolean isIpv6(String candidate) {
        try {
            // Brackets admit only an IPv6 literal (an IPv4-mapped one comes back as Inet4Address).
            return java.net.InetAddress.getByName("[" + candidate + "]") != null;
        } catch (java.net.UnknownHostException | IllegalArgumentException e) {
            return false;
        }
    }

    /** 9–15 digits written like a phone number (+country, parentheses or separators); bare digit runs survive. */
    private static String replacePhones(String s) {
        Matcher m = PHONE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String match = m.group();
            int digits = match.replaceAll("\\D", "").length();
            boolean written = match.startsWith("+") || match.contains("(") || match.matches(".*\\d[ .-]\\d.*");
            boolean date = match.matches("\\d{4}-\\d{2}-\\d{2}");
            m.appendReplacement(out, digits >= 9 && digits <= 15 && written && !date ? "[phone]"
                    : Matcher.quoteReplacement(match));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String replaceCards(String s) {
        Matcher m = CARD.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String digits = m.group().replaceAll("[ -]", "");
            m.appendReplacement(out, luhn(digits) ? "[card]" : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    private static int depth(JsonNode node) {
        if (!node.isContainerNode()) {
            return 0;
        }
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return deepest + 1;
    }

    private static int countKeys(JsonNode node) {
        int count = 0;
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                count += 1 + countKeys(it.next().getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                count += countKeys(child);
            }
        }
        return count;
    }
}
