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
                Arguments.of("sent 1732431234", "sent 1732431234"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("values")
    void stringValuesAreScrubbed(String input, String expected) {
        assertEquals(expected, MetaSanitizer.scrub(input));
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

    @Test
    void luhnTellsCardsFromOtherLongNumbers() {
        assertTrue(MetaSanitizer.luhn("4111111111111111"));
        assertFalse(MetaSanitizer.luhn("4111111111111112"));
    }
}
