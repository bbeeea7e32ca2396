package io.paddock.shared.ratelimit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The rate-limit policies: the shipped {@code paddock/rate-limits.yaml} with a deployment's YAML (or JSON)
 * merged over it key by key. Everything is checked when it is loaded (at container start), and a mistake is an
 * {@link IllegalArgumentException} naming the key — never a limit silently missing at request time.
 */
public final class RateLimitPolicies {

    /** One category's numbers. */
    public record Policy(int limit, int burst, boolean failOpen) {
    }

    /** Repeat offenders: {@code rejections} 429s within {@code within} block the IP at the edge for {@code blockFor}. */
    public record Offenders(int rejections, Duration within, Duration blockFor) {
    }

    static final String SHIPPED = "paddock/rate-limits.yaml";
    private static final int MAX_TEXT = 64 * 1024;
    /** Bare keys and # comments, as in YAML's flow style; a key twice is refused, as the YAML loader refuses it. */
    private static final ObjectMapper LENIENT_JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_YAML_COMMENTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern TIER = Pattern.compile("[A-Za-z0-9_]{1,32}");

    private final Duration window;
    private final Map<Category, Policy> categories;
    private final Map<String, Double> tiers;
    private final Offenders offenders;

    private RateLimitPolicies(Duration window, Map<Category, Policy> categories, Map<String, Double> tiers,
            Offenders offenders) {
        this.window = window;
        this.categories = categories;
        this.tiers = tiers;
        this.offenders = offenders;
    }

    /** The shipped policies, with {@code overrideYaml} (may be empty) merged over them. */
    public static RateLimitPolicies load(Optional<String> overrideYaml) {
        Map<String, Object> shipped;
        try (InputStream in = RateLimitPolicies.class.getClassLoader().getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new IllegalStateException(SHIPPED + " is missing from the class path");
            }
            shipped = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), SHIPPED);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SHIPPED, e);
        }
        Map<String, Object> merged = overrideYaml.filter(s -> !s.isBlank())
                .map(yaml -> merge(shipped, parse(yaml, "paddock.rate-limits.policies (env PADDOCK_RATE_LIMITS_POLICIES)")))
                .orElse(shipped);
        return from(merged);
    }

    public Duration window() {
        return window;
    }

    public Policy policy(Category category) {
        return categories.get(category);
    }

    public boolean hasTier(String tier) {
        return tiers.containsKey(tier);
    }

    public Map<String, Double> tiers() {
        return tiers;
    }

    public double tierMultiplier(String tier) {
        Double m = tiers.get(tier);
        if (m == null) {
            throw new IllegalArgumentException("no rate-limit tier " + tier);
        }
        return m;
    }

    public Offenders offenders() {
        return offenders;
    }

    /** A limit scaled by a multiplier; never below 1, so a tiny multiplier cannot lock a user out entirely. */
    public static int scaled(int base, double multiplier) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, Math.floor(base * multiplier)));
    }

    private static RateLimitPolicies from(Map<String, Object> root) {
        Duration window = duration(root.get("window"), "window");
        if (window.toSeconds() < 1 || window.toHours() > 24) {
            throw new IllegalArgumentException("rate limits: window must be 1s..24h, got " + root.get("window"));
        }
        Map<String, Object> cats = map(root.get("categories"), "categories");
        Map<Category, Policy> categories = new EnumMap<>(Category.class);
        for (Map.Entry<String, Object> e : cats.entrySet()) {
            Category category;
            try {
                category = Category.valueOf(e.getKey().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                throw new IllegalArgumentException("rate limits: categories." + e.getKey() + " is not a category");
            }
            String at = "categories." + e.getKey();
            Map<String, Object> c = map(e.getValue(), at);
            int limit = positive(c.get("limit"), at + ".limit");
            int burst = positive(c.get("burst"), at + ".burst");
            Object down = c.get("whenStoresDown");
            if (!"open".equals(down) && !"closed".equals(down)) {
                throw new IllegalArgumentException("rate limits: " + at + ".whenStoresDown must be open or closed, got " + down);
            }
            categories.put(category, new Policy(limit, burst, "open".equals(down)));
        }
        for (Category c : Category.values()) {
            if (!categories.containsKey(c)) {
                throw new IllegalArgumentException("rate limits: categories." + c.policyName() + " is missing");
            }
        }
        Map<String, Double> tiers = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map(root.get("tiers"), "tiers").entrySet()) {
            if (!TIER.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("rate limits: tier name " + e.getKey() + " must match [A-Za-z0-9_]{1,32}");
            }
            if (!(e.getValue() instanceof Number n) || n.doubleValue() <= 0 || n.doubleValue() > 1000) {
                throw new IllegalArgumentException("rate limits: tiers." + e.getKey() + " must be a number in (0, 1000]");
            }
            tiers.put(e.getKey(), n.doubleValue());
        }
        for (String required : new String[] {"anonymous", "user", "admin", RateLimiter.API_KEY_TIER}) {
            if (!tiers.containsKey(required)) {
                throw new IllegalArgumentException("rate limits: tiers." + required + " is missing");
            }
        }
        Map<String, Object> o = map(root.get("offenders"), "offenders");
        Offenders offenders = new Offenders(positive(o.get("rejections"), "offenders.rejections"),
                duration(o.get("within"), "offenders.within"), duration(o.get("blockFor"), "offenders.blockFor"));
        return new RateLimitPolicies(window, Map.copyOf(categories), Map.copyOf(tiers), offenders);
    }

    /**
     * JSON with comments and bare keys first — the shipped file is written so (YAML flow style, text quoted) and
     * so is a typical override — with the JSON parser every function has loaded anyway; YAML only for text that is
     * not such JSON, so its parser (about 100 ms of class loading at a cold start) loads only when needed.
     */
    private static Map<String, Object> parse(String text, String source) {
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("rate limits: " + source + " is longer than " + MAX_TEXT + " characters");
        }
        Object root;
        try {
            root = LENIENT_JSON.readValue(text, Object.class);
        } catch (JsonProcessingException notJson) {
            root = YamlText.parse(text, source);
        }
        return map(root, source);
    }

    /** Loaded only when a text is not JSON (see {@link #parse}). */
    private static final class YamlText {

        static Object parse(String yaml, String source) {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(10);
            options.setCodePointLimit(MAX_TEXT);
            options.setAllowDuplicateKeys(false);
            try {
                return new Yaml(new SafeConstructor(options)).load(yaml);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("rate limits: " + source + " is not valid YAML: " + e.getMessage());
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            Object b = out.get(k);
            out.put(k, b instanceof Map && v instanceof Map
                    ? merge((Map<String, Object>) b, (Map<String, Object>) v) : v);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String at) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("rate limits: " + at + " must be a mapping");
        }
        for (Object key : m.keySet()) {
            if (!(key instanceof String)) {
                throw new IllegalArgumentException("rate limits: " + at + " has a key that is not text: " + key);
            }
        }
        return (Map<String, Object>) m;
    }

    private static int positive(Object value, String at) {
        if (!(value instanceof Integer i) || i < 1 || i > 1_000_000) {
            throw new IllegalArgumentException("rate limits: " + at + " must be a whole number 1..1000000, got " + value);
        }
        return i;
    }

    static Duration duration(Object value, String at) {
        Matcher m = DURATION.matcher(String.valueOf(value));
        if (!m.matches()) {
            throw new IllegalArgumentException("rate limits: " + at + " must be a duration like 60s, 5m or 500ms, got " + value);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("rate limits: " + at + " must be longer than zero");
        }
        return d;
    }
}
