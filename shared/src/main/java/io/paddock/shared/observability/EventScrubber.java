package io.paddock.shared.observability;

import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.SentryEvent;
import io.sentry.SentryOptions;
import io.sentry.protocol.Contexts;
import io.sentry.protocol.Message;
import io.sentry.protocol.Request;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.User;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last step before an event leaves the container: credentials, cookies and e-mail addresses are
 * removed wherever they may have slipped in, since exception messages and request data are written by
 * code that never thought of Sentry. Values under a sensitive name are replaced whole; free text is
 * searched for addresses, bearer credentials, JWTs and {@code password=...}-style pairs.
 */
final class EventScrubber implements SentryOptions.BeforeSendCallback {

    static final String FILTERED = "[Filtered]";

    private static final String SENSITIVE_NAME =
            "authorization|cookie|passw|pwd|secret|token|api[-_]?key|session|credential|signature|e-?mail"
                    + "|forwarded|real-?ip|client-?ip";
    private static final Pattern SENSITIVE_KEY = Pattern.compile(".*(" + SENSITIVE_NAME + ").*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PAIR = Pattern.compile(
            "([\\w.-]*(?:" + SENSITIVE_NAME + ")[\\w.-]*\"?\\s*[:=]\\s*)(\"[^\"]*\"|[^\\s&,;\"]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CREDENTIAL = Pattern.compile("\\b(Bearer|Basic)\\s+[\\w.~+/=-]+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern JWT = Pattern.compile("\\beyJ[\\w-]{4,}\\.[\\w-]{4,}\\.[\\w-]*");
    /** Also URL-encoded (%40), as in a query string. */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

    @Override
    public SentryEvent execute(SentryEvent event, Hint hint) {
        scrub(event);
        return event;
    }

    static void scrub(SentryEvent event) {
        Message message = event.getMessage();
        if (message != null) {
            message.setMessage(text(message.getMessage()));
            message.setFormatted(text(message.getFormatted()));
            if (message.getParams() != null) {
                message.setParams(message.getParams().stream().map(EventScrubber::text).toList());
            }
        }
        if (event.getExceptions() != null) {
            for (SentryException exception : event.getExceptions()) {
                exception.setValue(text(exception.getValue()));
            }
        }
        Request request = event.getRequest();
        if (request != null) {
            request.setCookies(null);
            request.setUrl(text(request.getUrl()));
            request.setQueryString(query(request.getQueryString()));
            request.setFragment(text(request.getFragment()));
            request.setData(value(request.getData()));
            request.setHeaders(strings(request.getHeaders()));
            request.setEnvs(strings(request.getEnvs()));
            request.setOthers(strings(request.getOthers()));
        }
        if (event.getBreadcrumbs() != null) {
            for (Breadcrumb breadcrumb : event.getBreadcrumbs()) {
                breadcrumb.setMessage(text(breadcrumb.getMessage()));
                for (String key : List.copyOf(breadcrumb.getData().keySet())) {
                    breadcrumb.setData(key, entry(key, breadcrumb.getData(key)));
                }
            }
        }
        User user = event.getUser();
        if (user != null) {
            // The user id is all a report needs; names, addresses and IPs are personal data.
            User idOnly = new User();
            idOnly.setId(user.getId());
            event.setUser(idOnly);
        }
        event.setTags(strings(event.getTags()));
        event.setExtras(map(event.getExtras()));
        Contexts contexts = event.getContexts();
        for (String key : Collections.list(contexts.keys())) {
            Object context = contexts.get(key);
            if (context instanceof Map<?, ?> || context instanceof Collection<?> || context instanceof String) {
                contexts.put(key, value(context));
            }
        }
        event.setTransaction(text(event.getTransaction()));
    }

    /** Free text: addresses, credentials and secret-looking pairs replaced, everything else kept. */
    static String text(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String scrubbed = CREDENTIAL.matcher(text).replaceAll("$1 " + Matcher.quoteReplacement(FILTERED));
        scrubbed = JWT.matcher(scrubbed).replaceAll(Matcher.quoteReplacement(FILTERED));
        scrubbed = PAIR.matcher(scrubbed).replaceAll(match -> Matcher.quoteReplacement(match.group(1)
                + (match.group(2).startsWith("\"") ? "\"" + FILTERED + "\"" : FILTERED)));
        return EMAIL.matcher(scrubbed).replaceAll(Matcher.quoteReplacement(FILTERED));
    }

    static String query(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            pairs.add(sensitive(name) ? name + "=" + FILTERED : text(pair));
        }
        return String.join("&", pairs);
    }

    static boolean sensitive(String key) {
        return key != null && SENSITIVE_KEY.matcher(key).matches();
    }

    private static Object entry(String key, Object value) {
        return value != null && sensitive(key) ? FILTERED : value(value);
    }

    private static Object value(Object value) {
        if (value instanceof String text) {
            return text(text);
        }
        if (value instanceof Map<?, ?> map) {
            return map(map);
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(EventScrubber::value).toList();
        }
        return value;
    }

    private static Map<String, Object> map(Map<?, ?> map) {
        if (map == null) {
            return null;
        }
        Map<String, Object> scrubbed = new LinkedHashMap<>();
        map.forEach((key, value) -> scrubbed.put(String.valueOf(key), entry(String.valueOf(key), value)));
        return scrubbed;
    }

    private static Map<String, String> strings(Map<String, String> map) {
        if (map == null) {
            return null;
        }
        Map<String, String> scrubbed = new LinkedHashMap<>();
        map.forEach((key, value) -> scrubbed.put(key, value != null && sensitive(key) ? FILTERED : text(value)));
        return scrubbed;
    }
}
