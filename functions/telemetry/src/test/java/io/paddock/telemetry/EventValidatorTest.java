package io.paddock.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paddock.shared.http.Problem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 13, finding 6: the id fields of an event are held to strict formats and never carry personal data. */
class EventValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-24T07:30:00Z");
    private final EventValidator validator = new EventValidator(MetaSanitizer.withDefaults(), Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofHours(24), Duration.ofDays(7));

    private static ObjectNode event(String field, String value) {
        ObjectNode event = JSON.createObjectNode().put("eventId", UUID.randomUUID().toString()).put("type", "impression")
                .put("occurredAt", NOW.toString());
        return event.put(field, value);
    }

    /** field, value sent, what the rejection names (null: stored as sent). */
    static Stream<Arguments> ids() {
        return Stream.of(
                // what came back from GET /v1/events before the fix
                Arguments.of("itemId", "ada@example.com", "itemId must be an id"),
                Arguments.of("itemId", "+14155552671", "itemId must be an id"),
                Arguments.of("itemId", "14155552671", "itemId reads as a phone or card number"),
                Arguments.of("itemId", "415-555-2671", "itemId reads as a phone or card number"),
                Arguments.of("itemId", "415.555.2671", "itemId reads as a phone or card number"),
                Arguments.of("itemId", "4111111111111111", "itemId reads as a phone or card number"),
                Arguments.of("itemId", "ada\uff20example.com", "itemId must be an id"),
                Arguments.of("itemId", "\uff14\uff11\uff15\uff15\uff15\uff15\uff12\uff16\uff17\uff11", "itemId must be an id"),
                Arguments.of("itemId", "ada at example.com", "itemId must be an id"),
                Arguments.of("itemId", "192.168.0.1", "itemId reads as an IP address"),
                Arguments.of("itemId", "host-10.1.2.3", "itemId reads as an IP address"),
                Arguments.of("itemId", "0xC0A80001", "itemId reads as an IP address"),
                Arguments.of("itemId", "2001:db8::1", "itemId reads as an IP address"),
                Arguments.of("itemId", "AKIAIOSFODNN7EXAMPLE", "itemId reads as a token"),
                Arguments.of("itemId", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2ln", "itemId reads as a token"),
                Arguments.of("itemId", "x".repeat(201), "itemId must be an id"),
                Arguments.of("itemId", "", "itemId must be an id"),
                Arguments.of("surface", "Home", "surface must be a lowercase slug"),
                Arguments.of("surface", "home feed", "surface must be a lowercase slug"),
                Arguments.of("surface", "ada@example.com", "surface must be a lowercase slug"),
                Arguments.of("surface", "4155552671", "surface must be a lowercase slug"),
                Arguments.of("lane", "for you", "lane must be a lowercase slug"),
                Arguments.of("lane", "x".repeat(65), "lane must be a lowercase slug"),
                Arguments.of("feedRequestId", "short", "feedRequestId must be the feed response's X-Request-Id"),
                Arguments.of("feedRequestId", "ada@example.com", "feedRequestId must be the feed response's X-Request-Id"),
                Arguments.of("feedRequestId", "14155552671", "feedRequestId reads as a phone or card number"),
                Arguments.of("feedRequestId", "203.0.113.7", "feedRequestId reads as an IP address"),
                Arguments.of("anonymousId", "ada@example.com", "anonymousId must be an installation id"),
                Arguments.of("anonymousId", "4155552671", "anonymousId reads as a phone or card number"),
                // ids as clients send them
                Arguments.of("itemId", "01900000-0000-7000-8000-000000001001", null),
                Arguments.of("itemId", "post:01900000-0000-7000-8000-000000001001", null),
                Arguments.of("itemId", "post-1", null),
                Arguments.of("itemId", "post_1234567", null),
                Arguments.of("itemId", "post-4155552671", null),
                Arguments.of("itemId", "123456", null),
                Arguments.of("itemId", "com.example.article.42", null),
                Arguments.of("itemId", "v1.42.0", null),
                Arguments.of("surface", "home", null),
                Arguments.of("surface", "s0190abcd", null),
                Arguments.of("lane", "for_you", null),
                Arguments.of("lane", "trending-2", null),
                Arguments.of("feedRequestId", "01900000-0000-7000-8000-000000001001", null),
                Arguments.of("feedRequestId", "req-abc.123:xyz", null),
                Arguments.of("anonymousId", "install-01900000-0000-7000-8000-000000001001", null),
                Arguments.of("anonymousId", "dGhpcyBpcyBhbiBpbnN0YWxs", null),
                Arguments.of("anonymousId", "a1", null));
    }

    @ParameterizedTest(name = "{0} \"{1}\" → {2}")
    @MethodSource("ids")
    void idFieldsAreHeldToTheirFormatAndCarryNoPersonalData(String field, String value, String rejection) {
        EventValidator.Outcome outcome = validator.validate(event(field, value), false, "install-1");
        if (rejection == null) {
            assertNull(outcome.rejection());
            assertEquals(value, switch (field) {
                case "itemId" -> outcome.event().itemId();
                case "surface" -> outcome.event().surface();
                case "lane" -> outcome.event().lane();
                case "feedRequestId" -> outcome.event().feedRequestId();
                default -> outcome.event().anonymousId();
            });
        } else {
            assertNotNull(outcome.rejection(), "stored: " + value);
            assertTrue(outcome.rejection().startsWith(rejection), outcome.rejection());
            assertTrue(value.isEmpty() || !outcome.rejection().contains(value), "the reason does not echo the value");
        }
    }

    @Test
    void aBatchAnonymousIdThatReadsAsPersonalDataRefusesTheBatchWithOrWithoutABearerToken() throws Exception {
        var body = JSON.readTree("{\"anonymousId\":\"ada@example.com\",\"events\":[" + event("itemId", "post-1") + "]}");
        List<Problem.FieldError> refusals = EventValidator.batchRefusals(body);
        assertEquals(1, refusals.size());
        assertEquals("anonymousId", refusals.get(0).field());
        var phone = JSON.readTree("{\"anonymousId\":\"+1 415 555 2671\",\"events\":[" + event("itemId", "post-1") + "]}");
        assertEquals("anonymousId", EventValidator.batchRefusals(phone).get(0).field());
    }
}
