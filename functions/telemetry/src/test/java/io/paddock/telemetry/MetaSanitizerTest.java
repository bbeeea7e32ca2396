package io.paddock.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetaSanitizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MetaSanitizer sanitizer = MetaSanitizer.withDefaults();

    /** input → what may be stored. Cases that must survive unchanged are as important as the scrubbed ones. */
    static Stream<Arguments> values() {
        return Stream.of(
                // e-mail addresses
                Arguments.of("ada@example.com", "[email]"),
                Arguments.of("mail me: Ada.Lovelace+feed@mail.example.co.uk today", "mail me: [email] today"),
                Arguments.of("ada [at] example.com", "[email]"),
                Arguments.of("ada%40example.com", "[email]"),
                Arguments.of("UPPER@EXAMPLE.ORG", "[email]"),
                // phone numbers
                Arguments.of("+1 415 555 2671", "[phone]"),
                Arguments.of("+44 20 7946 0958", "[phone]"),
                Arguments.of("call (415) 555-2671 now", "call [phone] now"),
                Arguments.of("415.555.2671", "[phone]"),
                Arguments.of("+351912345678", "[phone]"),
                Arguments.of("020 7946 0958", "[phone]"),
                // IP addresses
                Arguments.of("192.168.1.20", "[ip]"),
                Arguments.of("from 203.0.113.7 via proxy", "from [ip] via proxy"),
                Arguments.of("2001:db8::8a2e:370:7334", "[ip]"),
                Arguments.of("fe80:0:0:0:200:f8ff:fe21:67cf", "[ip]"),
                Arguments.of("::ffff:192.0.2.128", "[ip]"),
                // tokens
                Arguments.of("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXBhcnQ", "[token]"),
                Arguments.of("Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYWRtaW4ifQ.abcdEFGH1234", "Bearer [token]"),
                Arguments.of("d41d8cd98f00b204e9800998ecf8427e", "[token]"),
                Arguments.of("sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "sha [token]"),
                Arguments.of("sk_live_51HqLyjWDarjtT1zdp7dcXYZ0aBcDeF", "[token]"),
                Arguments.of("AKIAIOSFODNN7EXAMPLE0000aaaa", "[token]"),
                Arguments.of("dGhpcyBpcyBhIHNlY3JldCB0b2tlbjEyMw==", "[token]"),
                // card numbers (Luhn-valid only)
                Arguments.of("4111 1111 1111 1111", "[card]"),
                Arguments.of("card 5500-0000-0000-0004 exp", "card [card] exp"),
                Arguments.of("378282246310005", "[card]"),
                Arguments.of("6011111111111117", "[card]"),
                // what must survive
                Arguments.of("home_feed", "home_feed"),
                Arguments.of("trending", "trending"),
                Arguments.of("variant-b", "variant-b"),
                Arguments.of("1.42.0", "1.42.0"),
                Arguments.of("2026-11-24", "2026-11-24"),
                Arguments.of("position 3 of 20", "position 3 of 20"),
                Arguments.of("01900000-0000-7000-8000-000000001001", "01900000-0000-7000-8000-000000001001"),
                Arguments.of("order 4111111111111112", "order 4111111111111112"),
                Arguments.of("https://paddock.dev/posts/42", "https://paddock.dev/posts/42"),
                Arguments.of("en-GB", "en-GB"),
                Arguments.of("ios 17.4", "ios 17.4"),
                Arguments.of("", ""),
                Arguments.of("Ünïcödé ✓ 🏃", "Ünïcödé ✓ 🏃"),
                Arguments.of("1234", "1234"),
                Arguments.of("@handle", "@handle"),
                Arguments.of("at 12:30:45 UTC", "at 12:30:45 UTC"),
                Arguments.of("std::vector", "std::vector"),
                // A 10-digit run reads as a phone number (it might be one, or an IPv4 integer): issue 13 chose
                // scrubbing over keeping epoch seconds in free text, which belong in RFC 3339 strings anyway.
                Arguments.of("sent 1732431234", "sent [phone]"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("values")
    void stringValuesAreScrubbed(String input, String expected) {
        assertEquals(expected, TextScrubber.scrub(input));
    }

    private static final String JWT_HEADER = "eyJhbGciOiJIUzI1NiJ9";
    private static final String JWT_PAYLOAD = "eyJzdWIiOiJhZGFAZXhhbXBsZS5jb20ifQ";

    /** The tables write JSON with single quotes, for reading. */
    private static JsonNode json(String singleQuoted) throws Exception {
        return JSON.readTree(singleQuoted.replace('\'', '"'));
    }

    /**
     * Issue 13, finding 6: each way personal data got past the scrubber in {@code meta}, as a JSON value under an
     * allow-listed key → what is stored. Before the fix each was stored as sent.
     */
    static Stream<Arguments> evasions() {
        return Stream.of(
                // phone numbers: bare digits, '/' and dashes as separators, fullwidth and other scripts' digits
                Arguments.of("bare digits", "'4155552671'", "'[phone]'"),
                Arguments.of("bare digits in a sentence", "'call 4155552671 today'", "'call [phone] today'"),
                Arguments.of("bare digits with the country code", "'14155552671'", "'[phone]'"),
                Arguments.of("a bare local number", "'5552671'", "'[phone]'"),
                Arguments.of("slashes", "'415/555/2671'", "'[phone]'"),
                Arguments.of("en dashes", "'415\u2013555\u20132671'", "'[phone]'"),
                Arguments.of("em dashes", "'+1\u2014415\u2014555\u20142671'", "'[phone]'"),
                Arguments.of("fullwidth digits", "'\uff14\uff11\uff15\uff15\uff15\uff15\uff12\uff16\uff17\uff11'", "'[phone]'"),
                Arguments.of("fullwidth plus, digits and ideographic spaces",
                        "'\uff0b\uff14\uff14\u3000\uff12\uff10\u3000\uff17\uff19\uff14\uff16\u3000\uff10\uff19\uff15\uff18'", "'[phone]'"),
                Arguments.of("Arabic-Indic digits", "'\u0664\u0661\u0665\u0665\u0665\u0665\u0662\u0666\u0667\u0661'", "'[phone]'"),
                Arguments.of("a JSON number", "4155552671", "'[phone]'"),
                // e-mail addresses: Unicode, a fullwidth or small '@', no TLD
                Arguments.of("a Unicode local part", "'j\u00f6rg.m\u00fcller@example.de'", "'[email]'"),
                Arguments.of("Unicode everywhere", "'\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a'", "'[email]'"),
                Arguments.of("Greek", "'\u03b4\u03bf\u03ba\u03b9\u03bc\u03ae@\u03c0\u03b1\u03c1\u03ac\u03b4\u03b5\u03b9\u03b3\u03bc\u03b1"
                        + ".\u03b4\u03bf\u03ba\u03b9\u03bc\u03ae'", "'[email]'"),
                Arguments.of("a fullwidth @", "'ada\uff20example.com'", "'[email]'"),
                Arguments.of("a small @", "'ada\ufe6bexample.com'", "'[email]'"),
                Arguments.of("fullwidth letters", "'\uff41\uff44\uff41\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d'",
                        "'[email]'"),
                Arguments.of("no TLD", "'ada@localhost'", "'[email]'"),
                Arguments.of("no TLD in a sentence", "'write to root@mailhost please'", "'write to [email] please'"),
                // IPv4 as an integer, in hex, dotted hex or octal
                Arguments.of("IPv4 as a 32-bit integer", "'3232235521'", "'[phone]'"),
                Arguments.of("IPv4 as an integer in a URL", "'http://3232235521/admin'", "'http://[phone]/admin'"),
                Arguments.of("IPv4 as hex", "'0xC0A80001'", "'[ip]'"),
                Arguments.of("IPv4 as lowercase hex", "'from 0x7f000001'", "'from [ip]'"),
                Arguments.of("IPv4 as dotted hex", "'0xC0.0xA8.0x00.0x01'", "'[ip]'"),
                Arguments.of("IPv4 as dotted octal", "'0300.0250.0.1'", "'[ip]'"),
                Arguments.of("IPv4 with zero-padded octets", "'192.168.001.001'", "'[ip]'"),
                Arguments.of("IPv4 in three parts with hex", "'0xC0.168.1'", "'[ip]'"),
                Arguments.of("IPv6 in brackets with a port", "'[2001:db8::1]:443'", "'[[ip]]:443'"),
                Arguments.of("IPv6 in fullwidth", "'\uff12\uff10\uff10\uff11:\uff44\uff42\uff18::\uff11'", "'[ip]'"),
                // AWS access key ids
                Arguments.of("an AWS access key id", "'AKIAIOSFODNN7EXAMPLE'", "'[token]'"),
                Arguments.of("an AWS temporary access key id", "'key ASIAY34FZKBOKMUTVV7A used'", "'key [token] used'"),
                Arguments.of("an AWS access key id after a name", "'aws_key=AKIAIOSFODNN7EXAMPLE'", "'aws_key=[token]'"),
                // a JWT split across array elements, and its parts alone
                Arguments.of("a JWT split at its dots", "['" + JWT_HEADER + "', '." + JWT_PAYLOAD + "', '.c2lnbmF0dXJl']",
                        "['[token]', '[token]', '[token]']"),
                Arguments.of("a JWT split into its three parts", "['" + JWT_HEADER + "', '" + JWT_PAYLOAD + "', 'c2lnbmF0dXJl']",
                        "['[token]', '[token]', '[token]']"),
                Arguments.of("a JWT split mid-part", "['ok', 'eyJhbGciOiJI', 'UzI1NiJ9." + JWT_PAYLOAD.substring(0, 10) + "', '"
                        + JWT_PAYLOAD.substring(10) + ".c2lnbmF0', 'dXJl', 3]", "['ok', '[token]', '[token]', '[token]', '[token]', 3]"),
                Arguments.of("a JWT's payload alone", "'" + JWT_PAYLOAD + "'", "'[token]'"),
                // keys are scrubbed like values
                Arguments.of("an e-mail address as a nested key", "{'ada\uff20example.com': 1}", "{'[email]': 1}"));
    }

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @MethodSource("evasions")
    void eachEvasionOfIssue13IsScrubbed(String evasion, String value, String stored) throws Exception {
        MetaSanitizer.Result result = sanitizer.sanitize("report", json("{'comment': " + value + "}"));
        assertTrue(result.accepted(), result.rejection());
        assertEquals(json("{'comment': " + stored + "}"), result.meta());
    }

    /** What the new detectors must not take: counts, durations, dates, versions, ids, everyday text. */
    static Stream<String> harmless() {
        return Stream.of("'trending'", "'for_you'", "'home feed'", "3", "1500", "'1500'", "'dwell 1500 ms'", "1234567",
                "'2026-11-24'", "'2026-11-24T07:30:00.000Z'", "'2026-11-24 07:30:00'", "'24.11.2026'", "'11/24/2026'",
                "'2026/11/24'", "'2026-11-24 \u2013 2026-11-30'", "'1.42.0'", "'v2.3.1-beta.4'", "'10.0.19045.3570'",
                "'01900000-0000-7000-8000-000000001001'", "'post-1234567'", "'build_20261124'", "'3.14159265'",
                "'1,500,000'", "'99.9%'", "'1080x1920'", "'iPhone15,2'", "'x86_64'", "'pkg@1.2.3'", "'@ada'",
                "'0xFF'", "'12:30:45'", "'en-GB'", "'https://paddock.dev/posts/42'", "['a', 'b', 'c']",
                "['eyJ', 'x']", "'caf\u00e9 \ud83d\ude00'", "'meet (at) noon'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("harmless")
    void harmlessValuesSurviveTheDetectors(String value) throws Exception {
        JsonNode meta = json("{'comment': " + value + "}");
        MetaSanitizer.Result result = sanitizer.sanitize("report", meta);
        assertEquals(meta, result.meta());
    }

    @Test
    void keysAreJudgedAfterNfkcSoAFullwidthKeyIsTheAllowListedOne() throws Exception {
        MetaSanitizer.Result result = sanitizer.sanitize("click",
                json("{'\uff50\uff4f\uff53\uff49\uff54\uff49\uff4f\uff4e': 3, 'source': '\uff48\uff4f\uff4d\uff45'}"));
        assertEquals("{\"position\":3,\"source\":\"home\"}", result.meta().toString());
    }

    @Test
    void theTableHasAtLeastFortyCases() {
        assertTrue(values().count() >= 40);
    }

    @Test
    void onlyAllowListedKeysOfTheEventTypeSurvive() throws Exception {
        JsonNode meta = JSON.readTree("{\"position\":3,\"email\":\"ada@example.com\",\"durationMs\":1200,\"ssn\":\"x\"}");
        MetaSanitizer.Result impression = sanitizer.sanitize("impression", meta);
        assertTrue(impression.accepted());
        assertEquals("{\"position\":3}", impression.meta().toString());
        MetaSanitizer.Result dwell = sanitizer.sanitize("dwell_end", meta);
        assertEquals("{\"position\":3,\"durationMs\":1200}", dwell.meta().toString());
    }

    @Test
    void nestedValuesAndNumbersAreScrubbedToo() throws Exception {
        JsonNode meta = JSON.readTree("{\"source\":{\"from\":\"ada@example.com\",\"ips\":[\"10.0.0.1\",\"ok\"]},"
                + "\"rank\":4111111111111111}");
        MetaSanitizer.Result result = sanitizer.sanitize("click", meta);
        assertEquals("{\"source\":{\"from\":\"[email]\",\"ips\":[\"[ip]\",\"ok\"]},\"rank\":\"[card]\"}",
                result.meta().toString());
    }

    @Test
    void shapeLimitsRejectTheEventWithAReason() throws Exception {
        MetaSanitizer.Result deep = sanitizer.sanitize("click",
                JSON.readTree("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":{\"j\":1}}}}}}}}}}"));
        assertFalse(deep.accepted());
        assertTrue(deep.rejection().contains("nested 10 levels"), deep.rejection());
        assertNull(deep.meta());

        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        MetaSanitizer.Result wide = sanitizer.sanitize("click", JSON.readTree(many.append("}").toString()));
        assertTrue(wide.rejection().contains("33 keys"), wide.rejection());

        MetaSanitizer.Result big = sanitizer.sanitize("report",
                JSON.readTree("{\"comment\":\"" + "word ".repeat(500) + "\"}"));
        assertTrue(big.rejection().contains("bytes"), big.rejection());

        assertFalse(sanitizer.sanitize("click", JSON.readTree("[1,2]")).accepted());
        assertTrue(sanitizer.sanitize("click", null).accepted());
    }

    /**
     * Issue 13, found by the poison-batch fault test: {@code 1e300} is seven bytes to Jackson and 301 to jsonb,
     * so forty of them passed the 2 KiB door and failed PostgreSQL's 8 KiB check at insert (a 400 with
     * PostgreSQL up; with it down, a parked batch the replay could only quarantine). Numbers are measured as
     * stored now.
     */
    @Test
    void numbersAreMeasuredAsPostgresStoresThemSoNoSmallMetaFailsTheStore() throws Exception {
        String forty = String.join(",", java.util.Collections.nCopies(40, "1e300"));
        MetaSanitizer.Result huge = sanitizer.sanitize("click", JSON.readTree("{\"position\":[" + forty + "]}"));
        assertFalse(huge.accepted(), "a 1 followed by 300 zeros as stored");
        assertTrue(huge.rejection().contains("at most " + MetaSanitizer.MAX_NUMBER_LENGTH), huge.rejection());

        MetaSanitizer.Result infinite = sanitizer.sanitize("click", JSON.readTree("{\"position\":1e400}"));
        assertFalse(infinite.accepted(), "past a double's range, it was stored as \"Infinity\"");
        MetaSanitizer.Result tiny = sanitizer.sanitize("click", JSON.readTree("{\"position\":1e-300}"));
        assertFalse(tiny.accepted(), "0.000…1 as stored");

        // Each within the per-number limit, together over 2 KiB as stored though about 1.7 KiB as sent.
        String many = String.join(",", java.util.Collections.nCopies(250, "1e30"));
        MetaSanitizer.Result grown = sanitizer.sanitize("click", JSON.readTree("{\"position\":[" + many + "]}"));
        assertFalse(grown.accepted());
        assertTrue(grown.rejection().contains("at most " + MetaSanitizer.MAX_BYTES), grown.rejection());

        MetaSanitizer.Result ordinary = sanitizer.sanitize("dwell_end",
                JSON.readTree("{\"durationMs\":1500,\"position\":2.5,\"rank\":1e3,\"slot\":-0.001}"));
        assertTrue(ordinary.accepted(), ordinary.rejection());
        assertEquals(1500, ordinary.meta().get("durationMs").asInt());
    }

    /** Scrubbing reads every character: a value that could never fit is refused unread (the body allows 256 KiB). */
    @Test
    void aValueTooLargeToEverFitIsRefusedBeforeScrubbing() throws Exception {
        MetaSanitizer.Result huge = sanitizer.sanitize("report",
                JSON.createObjectNode().put("comment", "a1.".repeat(80_000)).put("ignored", "x"));
        assertFalse(huge.accepted());
        assertTrue(huge.rejection().contains("at most " + MetaSanitizer.MAX_BYTES), huge.rejection());
        MetaSanitizer.Result dropped = sanitizer.sanitize("report", JSON.createObjectNode().put("unknownKey", "x".repeat(80_000)));
        assertTrue(dropped.accepted(), "keys that are dropped do not count");
    }

    @Test
    void luhnTellsCardsFromOtherLongNumbers() {
        assertTrue(TextScrubber.luhn("4111111111111111"));
        assertFalse(TextScrubber.luhn("4111111111111112"));
    }
}
