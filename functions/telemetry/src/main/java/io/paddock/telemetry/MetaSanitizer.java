package io.paddock.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes an event's {@code meta} safe to store: only allow-listed keys of its event type survive,
 * its shape is bounded (depth, key count, serialised size), and every string value and key is scrubbed by
 * {@link TextScrubber} (NFKC first) of what identifies a person or grants access — e-mail addresses, phone
 * numbers, IP addresses, JWTs, AWS access key ids and other long tokens, card numbers (Luhn-valid only, so
 * order numbers survive). Scrubbing replaces the match with a marker such as {@code [email]}, so analysts
 * still see that something was there. Numbers are judged too: a Luhn-valid one of 13+ digits is a card, one
 * of 10–15 digits a phone number; and a JWT cut across consecutive array elements is found by joining them.
 */
public final class MetaSanitizer {

    public static final int MAX_DEPTH = 3;
    public static final int MAX_KEYS = 32;
    public static final int MAX_BYTES = 2048;
    /**
     * What the allow-listed part of meta may weigh before it is scrubbed. Scrubbing costs time with the
     * length of each string (about a second for a quarter-megabyte one), and markers shorten text at most
     * a few times, so a value this large could never fit {@link #MAX_BYTES} anyway: refused unread.
     */
    static final int MAX_BYTES_BEFORE_SCRUBBING = 8 * MAX_BYTES;
    /**
     * Digits (and sign and point) a number may take as PostgreSQL stores it. jsonb keeps numbers as
     * {@code numeric} and writes them out in plain notation, so {@code 1e300} (seven bytes here) is 301 bytes
     * there: the door measures numbers the way the store will, or a small meta could fail the store's
     * 8 KiB check at insert — a batch parked in an outage would then be poison.
     */
    static final int MAX_NUMBER_LENGTH = 40;

    /** Either the cleaned meta or why the event must be rejected. */
    public record Result(ObjectNode meta, String rejection) {
        public boolean accepted() {
            return rejection == null;
        }
    }

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
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            // A key is judged as it reads: a fullwidth "ｐｏｓｉｔｉｏｎ" is the key position.
            String key = TextScrubber.normalise(field.getKey());
            if (allowed.contains(key)) {
                kept.set(key, field.getValue());
            }
        }
        String numbers = numbersThatCannotBeStored(kept);
        if (numbers != null) {
            return new Result(null, numbers);
        }
        int raw = kept.toString().getBytes(StandardCharsets.UTF_8).length;
        if (raw > MAX_BYTES_BEFORE_SCRUBBING) {
            return new Result(null, "meta is " + raw + " bytes serialised; at most " + MAX_BYTES);
        }
        ObjectNode clean = JsonNodeFactory.instance.objectNode();
        kept.fields().forEachRemaining(field -> clean.set(field.getKey(), scrubNode(field.getValue())));
        int bytes = clean.toString().getBytes(StandardCharsets.UTF_8).length + plainNotationGrowth(clean);
        if (bytes > MAX_BYTES) {
            return new Result(null, "meta is " + bytes + " bytes serialised; at most " + MAX_BYTES);
        }
        return new Result(clean, null);
    }

    /** Why a number in {@code node} cannot be stored as sent (not finite, or too long in plain notation), or null. */
    private static String numbersThatCannotBeStored(JsonNode node) {
        if (node.isNumber()) {
            if (!Double.isFinite(node.asDouble()) && !node.isIntegralNumber() && !node.isBigDecimal()) {
                return "meta holds a number too large to store (" + node.asText() + ")";
            }
            int length = plain(node).length();
            return length > MAX_NUMBER_LENGTH
                    ? "meta holds a number of " + length + " characters as stored; at most " + MAX_NUMBER_LENGTH : null;
        }
        for (JsonNode child : node) {
            String why = numbersThatCannotBeStored(child);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** How many bytes more {@code node}'s numbers take in PostgreSQL's plain notation than in Jackson's. */
    private static int plainNotationGrowth(JsonNode node) {
        if (node.isNumber()) {
            return Math.max(0, plain(node).length() - node.toString().length());
        }
        int growth = 0;
        for (JsonNode child : node) {
            growth += plainNotationGrowth(child);
        }
        return growth;
    }

    /** The number as PostgreSQL's numeric parses Jackson's text of it and writes it back (same scale). */
    private static String plain(JsonNode number) {
        return new java.math.BigDecimal(number.toString()).toPlainString();
    }

    private static JsonNode scrubNode(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(TextScrubber.scrub(node.asText()));
        }
        if (node.isNumber() && node.canConvertToLong()) {
            String digits = String.valueOf(Math.abs(node.asLong()));
            if (digits.length() >= 13 && TextScrubber.luhn(digits)) {
                return TextNode.valueOf("[card]");
            }
            if (TextScrubber.isPhoneLikeNumber(node.asLong())) {
                return TextNode.valueOf("[phone]");
            }
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(f -> copy.set(TextScrubber.scrub(f.getKey()), scrubNode(f.getValue())));
            return copy;
        }
        if (node.isArray()) {
            return scrubArray(node);
        }
        return node;
    }

    /**
     * Elements one by one, after marking the runs of consecutive strings that hold a JWT only when joined:
     * a token cut into {@code ["eyJhbGciOi…", ".eyJzdWIi…", ".c2ln…"]} passes every rule element by element.
     * Each marked element becomes {@code [token]}, so no fragment of it is kept.
     */
    private static JsonNode scrubArray(JsonNode array) {
        boolean[] token = new boolean[array.size()];
        int runStart = 0;
        for (int i = 0; i <= array.size(); i++) {
            if (i < array.size() && array.get(i).isTextual()) {
                continue;
            }
            if (i - runStart >= 2) {
                List<String> run = new ArrayList<>();
                for (int j = runStart; j < i; j++) {
                    run.add(array.get(j).asText());
                }
                boolean[] marked = TextScrubber.partsOfSplitToken(run);
                for (int j = 0; j < marked.length; j++) {
                    token[runStart + j] = marked[j];
                }
            }
            runStart = i + 1;
        }
        ArrayNode copy = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < array.size(); i++) {
            copy.add(token[i] ? TextNode.valueOf("[token]") : scrubNode(array.get(i)));
        }
        return copy;
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
