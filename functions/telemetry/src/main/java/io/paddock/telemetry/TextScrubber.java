package io.paddock.telemetry;

import io.paddock.shared.net.IpAddress;
import java.text.Normalizer;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds what identifies a person or grants access in client-written text — e-mail addresses, phone numbers,
 * IP addresses, card numbers, JWTs, AWS access key ids and other long tokens — and either replaces it with a
 * marker such as {@code [email]} ({@link #scrub}, for free text in {@code meta}: analysts still see that
 * something was there) or names it ({@link #personalDataIn}, for id fields, whose event is then refused).
 *
 * <p>How: the text is first normalised to NFKC, so that fullwidth digits and letters, the fullwidth and small
 * {@code @}, no-break spaces and the like match as their plain forms; the detectors then run in a fixed order
 * (tokens and e-mail addresses before the number rules that would split them). UUID-shaped parts are ids, not
 * personal data, and are kept as they are.
 *
 * <p>Hazards: the rules are heuristics over what clients usually write or paste, tuned against a table of
 * harmless values (counts, durations, ISO dates, versions, UUIDs) in {@code MetaSanitizerTest}. They err
 * towards scrubbing: any run of 7–15 digits in free text reads as a phone number (a 32-bit IPv4 address
 * written as an integer is such a run too), whatever it really was, because a phone number cannot be told
 * from an order number by its digits. Text encoded on purpose ({@code ada-at-example-com}) is not found.
 */
public final class TextScrubber {

    private TextScrubber() {
    }

    private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");
    /** In joined parts a token may follow the previous part's text directly ({@code ["ok", "eyJ…"]} joins to okeyJ…). */
    private static final Pattern JWT_IN_JOINED = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");
    /** base64 of a JSON object ({@code {"}): one part of a JWT on its own still carries its claims. */
    private static final Pattern BASE64_JSON = Pattern.compile("(?<![A-Za-z0-9_+/-])eyJ[A-Za-z0-9_+/-]{13,}={0,2}");
    /** Access key ids: AKIA long-term, ASIA temporary (STS), ABIA/ACCA of other AWS services. */
    private static final Pattern AWS_ACCESS_KEY_ID = Pattern.compile("(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])");
    /**
     * Local part and domain in any script; no TLD is needed after a real {@code @} or {@code %40}
     * ({@code user@host} reaches a mailbox on an intranet), but the domain must hold a letter, so that
     * {@code pkg@1.2.3} survives. The spelled-out {@code [at]} needs a dotted domain: {@code meet (at) noon} is prose.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "[\\p{L}\\p{N}\\p{M}._%+'-]{1,64}(?:(?:@|%40)(?=[\\p{L}\\p{N}\\p{M}.-]{0,253}\\p{L})[\\p{L}\\p{N}\\p{M}-]{1,63}(?:\\.[\\p{L}\\p{N}\\p{M}-]{1,63})*"
                    + "|\\s{0,3}[\\[(]\\s{0,3}(?i:at)\\s{0,3}[\\])]\\s{0,3}[\\p{L}\\p{N}\\p{M}-]{1,63}(?:\\.[\\p{L}\\p{N}\\p{M}-]{1,63})*\\.\\p{L}{2,63})");
    private static final Pattern IPV4 = Pattern.compile(
            "\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b");
    /**
     * IPv4 as inet_aton reads it (browsers and curl too): parts in hex ({@code 0xC0.0xA8.0.1}) or octal
     * ({@code 0300.0250.0.1}), fewer than four parts, or one hex number ({@code 0xC0A80001}). Confirmed by
     * {@link #isAtonIpv4}; the decimal integer form is a digit run and the phone rule takes it.
     */
    private static final Pattern IPV4_OTHER_FORMS = Pattern.compile(
            "(?<![\\p{L}\\p{N}.])(?:0[xX][0-9A-Fa-f]+|\\d+)(?:\\.(?:0[xX][0-9A-Fa-f]+|\\d+)){0,3}(?![\\p{L}\\p{N}]|\\.\\p{N})");
    /** Anything with two or more colons made of hex digits, dots and colons; confirmed by parsing. */
    private static final Pattern IPV6_CANDIDATE = Pattern.compile(
            "(?<![0-9A-Za-z:.])[0-9A-Fa-f.]*:[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*(?![0-9A-Za-z:])");
    /** Ids are not personal data and their hex groups look like numbers: they are left as they are. */
    private static final Pattern UUID_SHAPE = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** 13–19 digits with optional single spaces or dashes: card-like, confirmed by Luhn. */
    private static final Pattern CARD = Pattern.compile("\\b\\d(?:[ -]?\\d){12,18}\\b");
    /** Long opaque tokens: 32+ hex characters, or 24+ base64/base64url characters with letters and digits. */
    private static final Pattern HEX_TOKEN = Pattern.compile("\\b[0-9a-fA-F]{32,}\\b");
    private static final Pattern B64_TOKEN = Pattern.compile("(?<![A-Za-z0-9+/_=-])(?=[A-Za-z0-9+/_-]*\\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/_=-])");
    /** Between the digit groups of a phone number: space, dot, slash, ASCII hyphen and the Unicode dashes and minus. */
    private static final String SEPARATOR = "[ ./\\-\\u2010-\\u2015\\u2212]";
    /**
     * Digit groups, optionally led by {@code +} and a parenthesised area code, joined by up to three
     * separators. A group after the first has at least two digits, so that version strings such as
     * {@code 10.0.19045} do not chain into one. Not glued to a word or a number before it: a run after
     * {@code post-} or {@code build_} is part of an identifier, one after {@code 3.} part of a decimal.
     */
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\p{L}\\p{N}+])(?<![\\p{L}\\p{N}][_-])(?<!\\p{N}[.,])"
                    + "(?:\\+\\s?)?(?:\\(\\s?\\d{1,5}\\s?\\)" + SEPARATOR + "{0,3})?\\d{1,15}"
                    + "(?:" + SEPARATOR + "{1,3}(?:\\(\\d{1,5}\\)|\\d{2,15})|\\(\\d{1,5}\\))*"
                    + "(?![\\p{L}\\p{N}])(?![.,:]\\p{N})");
    private static final Pattern DATE = Pattern.compile(
            "\\d{4}" + SEPARATOR + "\\d{1,2}" + SEPARATOR + "\\d{1,2}|\\d{1,2}" + SEPARATOR + "\\d{1,2}" + SEPARATOR + "\\d{2,4}");
    private static final Pattern DECIMAL = Pattern.compile("\\d+\\.\\d+");
    /** A whole id made of digits and separators only: a phone or card number, or an id that cannot be told from one. */
    private static final Pattern NUMERIC_ID = Pattern.compile("\\+?[\\d._:\\-]*");

    /**
     * NFKC, so what looks the same is matched the same (fullwidth ＠ and digits, ligatures, no-break spaces),
     * and the decimal digits of every script as ASCII: NFKC leaves Arabic-Indic or Devanagari digits as they
     * are, and a phone number written in them is still one.
     */
    public static String normalise(String text) {
        String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
        if (nfkc.codePoints().noneMatch(c -> c > 0x7F && Character.isDigit(c))) {
            return nfkc;
        }
        StringBuilder out = new StringBuilder(nfkc.length());
        nfkc.codePoints().forEach(c -> {
            if (c > 0x7F && Character.isDigit(c)) {
                out.append((char) ('0' + Character.digit(c, 10)));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** The text in NFKC with everything but UUID-shaped ids scrubbed to markers. */
    public static String scrub(String text) {
        String value = normalise(text);
        Matcher ids = UUID_SHAPE.matcher(value);
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (ids.find()) {
            out.append(scrubText(value.substring(from, ids.start()))).append(ids.group());
            from = ids.end();
        }
        return out.append(scrubText(value.substring(from))).toString();
    }

    /**
     * What an id field holds that it must not, as a phrase for the rejection reason ("a phone number"), or
     * null. Ids are already held to a strict ASCII pattern, so an e-mail address cannot be written into one
     * ({@code @} and {@code %} are not allowed); what is left to find are tokens, IP addresses and numbers.
     * The generic long-token rules are not applied: random ids look exactly like them. A number is judged
     * on the whole id: an id of digits and separators with 7 digits or more is refused outright, predictably,
     * instead of by Luhn or length luck; an id that merely contains digits ({@code post-4155552671}) passes.
     */
    public static String personalDataIn(String id) {
        String value = UUID_SHAPE.matcher(normalise(id)).replaceAll(" ");
        if (JWT.matcher(value).find() || BASE64_JSON.matcher(value).find() || AWS_ACCESS_KEY_ID.matcher(value).find()) {
            return "a token";
        }
        if (EMAIL.matcher(value).find()) {
            return "an e-mail address";
        }
        if (!replaceIpv6(value).equals(value) || !replaceOtherIpv4Forms(value).equals(value) || IPV4.matcher(value).find()) {
            return "an IP address";
        }
        if (NUMERIC_ID.matcher(value).matches() && digits(value) >= 7) {
            return "a phone or card number";
        }
        return null;
    }

    /**
     * Which of consecutive text parts (array elements) together hold a JWT that none holds alone: the parts
     * are joined as they are and with dots, as a client splitting {@code header.payload.signature} would
     * have cut them. Each part that overlaps a token found in a join is marked.
     */
    public static boolean[] partsOfSplitToken(List<String> parts) {
        boolean[] marked = new boolean[parts.size()];
        for (String glue : List.of("", ".")) {
            int[] starts = new int[parts.size()];
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    joined.append(glue);
                }
                starts[i] = joined.length();
                joined.append(normalise(parts.get(i)));
            }
            Matcher token = JWT_IN_JOINED.matcher(joined);
            while (token.find()) {
                for (int i = 0; i < parts.size(); i++) {
                    int end = i + 1 < parts.size() ? starts[i + 1] - glue.length() : joined.length();
                    if (starts[i] < token.end() && end > token.start()) {
                        marked[i] = true;
                    }
                }
            }
        }
        return marked;
    }

    /**
     * An integral JSON number of 10–15 digits reads as a phone number (or an IPv4 integer): counts,
     * positions and millisecond durations stay far below that. Timestamps belong in RFC 3339 strings.
     */
    public static boolean isPhoneLikeNumber(long value) {
        int length = String.valueOf(Math.abs(value)).length();
        return length >= 10 && length <= 15;
    }

    /** Order matters: JWTs and e-mails before the generic token and number rules that would split them. */
    private static String scrubText(String value) {
        if (value.isEmpty()) {
            return value;
        }
        String s = JWT.matcher(value).replaceAll("[token]");
        s = BASE64_JSON.matcher(s).replaceAll("[token]");
        s = AWS_ACCESS_KEY_ID.matcher(s).replaceAll("[token]");
        s = EMAIL.matcher(s).replaceAll("[email]");
        s = replaceCards(s);
        s = replaceIpv6(s);
        s = replaceOtherIpv4Forms(s);
        s = IPV4.matcher(s).replaceAll("[ip]");
        s = HEX_TOKEN.matcher(s).replaceAll("[token]");
        s = B64_TOKEN.matcher(s).replaceAll("[token]");
        return replacePhones(s);
    }

    /** Times like 12:30:45 fail to parse and survive; an IPv4-mapped address counts as an address too. */
    private static String replaceIpv6(String s) {
        return IPV6_CANDIDATE.matcher(s)
                .replaceAll(m -> IpAddress.parse(m.group()).isPresent() ? "[ip]" : Matcher.quoteReplacement(m.group()));
    }

    private static String replaceOtherIpv4Forms(String s) {
        return IPV4_OTHER_FORMS.matcher(s)
                .replaceAll(m -> isAtonIpv4(m.group()) ? "[ip]" : Matcher.quoteReplacement(m.group()));
    }

    /**
     * inet_aton's forms, narrowed to the ones that are not also everyday numbers: a hex part must be
     * there, or four parts with a zero-led (octal) one — plain {@code 1.42.0} or {@code 2026.11} is a
     * version or a decimal. A lone hex number counts from 0x01000000 (1.0.0.0) up, so {@code 0xFF} survives.
     */
    static boolean isAtonIpv4(String candidate) {
        String[] parts = candidate.split("\\.");
        boolean hex = false;
        boolean octal = false;
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            try {
                if (part.startsWith("0x") || part.startsWith("0X")) {
                    hex = true;
                    values[i] = part.length() > 10 ? Long.MAX_VALUE : Long.parseLong(part.substring(2), 16);
                } else if (part.length() > 1 && part.startsWith("0")) {
                    octal = true;
                    values[i] = part.length() > 12 ? Long.MAX_VALUE : Long.parseLong(part.substring(1), 8);
                } else {
                    values[i] = part.length() > 10 ? Long.MAX_VALUE : Long.parseLong(part);
                }
            } catch (NumberFormatException notOctal) {
                return false; // 08, 09: neither octal nor an address
            }
        }
        if (!hex && !(octal && parts.length == 4)) {
            return false;
        }
        if (parts.length == 1) {
            return values[0] >= 0x01000000L && values[0] <= 0xFFFFFFFFL;
        }
        // The last part fills the bytes the earlier ones leave: a.b.c.d, a.b.(16 bits), a.(24 bits).
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xFF) {
                return false;
            }
        }
        return values[parts.length - 1] < (1L << (8 * (5 - parts.length)));
    }

    /**
     * 7–15 digits (E.164 allows 15; local numbers have 7 and up), bare or written with {@code +},
     * parentheses or separators; a date (2026-11-24, 24.11.2026, 11/24/2026) or a plain decimal is kept.
     */
    private static String replacePhones(String s) {
        Matcher m = PHONE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String match = m.group();
            int digits = digits(match);
            boolean phone = digits >= 7 && digits <= 15 && !DATE.matcher(match).matches() && !DECIMAL.matcher(match).matches();
            m.appendReplacement(out, phone ? "[phone]" : Matcher.quoteReplacement(match));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int digits(String s) {
        return (int) s.chars().filter(c -> c >= '0' && c <= '9').count();
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
}
