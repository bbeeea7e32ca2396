package io.paddock.shared.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.SentryEvent;
import io.sentry.protocol.Message;
import io.sentry.protocol.Request;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventScrubberTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWJ5dGVz";
    private static final String FILTERED = EventScrubber.FILTERED;

    private static SentryEvent scrubbed(SentryEvent event) {
        SentryEvent result = new EventScrubber().execute(event, new Hint());
        assertSame(event, result, "the scrubber edits the event and never drops it");
        return result;
    }

    private static SentryEvent withRequest(Request request) {
        SentryEvent event = new SentryEvent();
        event.setRequest(request);
        return event;
    }

    @Test
    void dropsAuthorizationAndCookieHeadersAndKeepsHarmlessOnes() {
        Request request = new Request();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer opaque-access-token");
        headers.put("Cookie", "session=abc123; theme=dark");
        headers.put("X-Api-Key", "k-123");
        headers.put("X-Forwarded-For", "203.0.113.7");
        headers.put("User-Agent", "paddock-ios/4.2");
        headers.put("X-Request-Id", "req-12345678");
        request.setHeaders(headers);
        request.setCookies("session=abc123");

        Request sent = scrubbed(withRequest(request)).getRequest();

        assertEquals(FILTERED, sent.getHeaders().get("Authorization"));
        assertEquals(FILTERED, sent.getHeaders().get("Cookie"));
        assertEquals(FILTERED, sent.getHeaders().get("X-Api-Key"));
        assertEquals(FILTERED, sent.getHeaders().get("X-Forwarded-For"));
        assertEquals("paddock-ios/4.2", sent.getHeaders().get("User-Agent"));
        assertEquals("req-12345678", sent.getHeaders().get("X-Request-Id"));
        assertNull(sent.getCookies());
    }

    @Test
    void scrubsPasswordsAndTokensFromARequestBodyWhateverItsShape() {
        Request asMap = new Request();
        asMap.setData(Map.of("handle", "ada", "password", "hunter2",
                "device", Map.of("refreshToken", "rt-secret", "name", "phone")));
        Map<?, ?> data = (Map<?, ?>) scrubbed(withRequest(asMap)).getRequest().getData();
        assertEquals("ada", data.get("handle"));
        assertEquals(FILTERED, data.get("password"));
        assertEquals(Map.of("refreshToken", FILTERED, "name", "phone"), data.get("device"));

        Request asJson = new Request();
        asJson.setData("{\"handle\":\"ada\",\"password\":\"hunter2\",\"refreshToken\":\"rt-secret\"}");
        String json = (String) scrubbed(withRequest(asJson)).getRequest().getData();
        assertEquals("{\"handle\":\"ada\",\"password\":\"" + FILTERED + "\",\"refreshToken\":\"" + FILTERED + "\"}", json);
    }

    @Test
    void scrubsSecretsAndEmailAddressesFromTheQueryString() {
        Request request = new Request();
        request.setQueryString("limit=20&access_token=abc&email=ada%40example.com&q=ada%40example.com");
        assertEquals("limit=20&access_token=" + FILTERED + "&email=" + FILTERED + "&q=" + FILTERED,
                scrubbed(withRequest(request)).getRequest().getQueryString());
    }

    @Test
    void scrubsEmailAddressesFromTheMessage() {
        SentryEvent event = new SentryEvent();
        Message message = new Message();
        message.setMessage("login failed for %s");
        message.setFormatted("login failed for ada.lovelace+test@example.co.uk");
        message.setParams(List.of("ada.lovelace+test@example.co.uk"));
        event.setMessage(message);

        Message sent = scrubbed(event).getMessage();

        assertEquals("login failed for %s", sent.getMessage());
        assertEquals("login failed for " + FILTERED, sent.getFormatted());
        assertEquals(List.of(FILTERED), sent.getParams());
    }

    @Test
    void scrubsEmailAddressesFromExceptionMessages() {
        SentryEvent event = new SentryEvent();
        SentryException exception = new SentryException();
        exception.setType("PSQLException");
        exception.setValue("duplicate key: Key (email)=(ada@example.com) already exists");
        event.setExceptions(List.of(exception));

        SentryException sent = scrubbed(event).getExceptions().get(0);

        assertEquals("duplicate key: Key (email)=(" + FILTERED + ") already exists", sent.getValue());
        assertEquals("PSQLException", sent.getType());
    }

    @Test
    void scrubsBearerCredentialsAndJwtLikeStringsFromFreeText() {
        assertEquals("rejected Bearer " + FILTERED, EventScrubber.text("rejected Bearer " + JWT));
        assertEquals("token was " + FILTERED + " at refresh", EventScrubber.text("token was " + JWT + " at refresh"));
        assertEquals("header Basic " + FILTERED, EventScrubber.text("header Basic YWRhOmh1bnRlcjI="));
        assertEquals("password=" + FILTERED + " user=ada", EventScrubber.text("password=hunter2 user=ada"));
    }

    @Test
    void scrubsEmailAddressesAndSecretsFromBreadcrumbs() {
        SentryEvent event = new SentryEvent();
        Breadcrumb crumb = new Breadcrumb("invited ada@example.com");
        crumb.setData("to", "ada@example.com");
        crumb.setData("apiKey", "k-123");
        crumb.setData("duration_ms", 3L);
        event.setBreadcrumbs(List.of(crumb));

        Breadcrumb sent = scrubbed(event).getBreadcrumbs().get(0);

        assertEquals("invited " + FILTERED, sent.getMessage());
        assertEquals(FILTERED, sent.getData("to"));
        assertEquals(FILTERED, sent.getData("apiKey"));
        assertEquals(3L, sent.getData("duration_ms"));
    }

    @Test
    void scrubsExtrasContextsAndTags() {
        SentryEvent event = new SentryEvent();
        event.setExtra("owner", "ada@example.com");
        event.setExtra("clientSecret", "s3cr3t");
        event.getContexts().put("signup", Map.of("email", "ada@example.com", "plan", "pro"));
        event.setTag("route", "/v1/feed/home");
        event.setTag("invitee", "ada@example.com");

        SentryEvent sent = scrubbed(event);

        assertEquals(FILTERED, sent.getExtra("owner"));
        assertEquals(FILTERED, sent.getExtra("clientSecret"));
        Map<?, ?> signup = (Map<?, ?>) sent.getContexts().get("signup");
        assertEquals(FILTERED, signup.get("email"));
        assertEquals("pro", signup.get("plan"));
        assertEquals("/v1/feed/home", sent.getTag("route"));
        assertEquals(FILTERED, sent.getTag("invitee"));
    }

    @Test
    void keepsOnlyTheUserId() {
        SentryEvent event = new SentryEvent();
        User user = new User();
        user.setId("0190a6a4-7b1e-7c3d-9f00-000000000001");
        user.setEmail("ada@example.com");
        user.setUsername("ada");
        user.setIpAddress("203.0.113.7");
        event.setUser(user);

        User sent = scrubbed(event).getUser();

        assertEquals("0190a6a4-7b1e-7c3d-9f00-000000000001", sent.getId());
        assertNull(sent.getEmail());
        assertNull(sent.getUsername());
        assertNull(sent.getIpAddress());
    }

    @Test
    void keepsHarmlessTextAsItIs() {
        for (String text : new String[] {"connection to postgres refused after 2000 ms",
                "GET /v1/feed/users/{handle} answered 500", "cursor f1.12345.0190a6a4 is stale",
                "Key (handle)=(ada) already exists", "retry in 3s; attempt=2"}) {
            assertEquals(text, EventScrubber.text(text));
        }
        assertFalse(EventScrubber.sensitive("handle"));
        assertTrue(EventScrubber.sensitive("X-Amz-Security-Token"));
    }
}
