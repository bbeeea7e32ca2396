package io.paddock.shared.http;

import java.util.Locale;

/**
 * What counts as a JSON request body (contract v1.1, "Bodies"): {@code application/json} or any
 * {@code application/*+json}, with no charset or {@code charset=utf-8} — JSON exchanged between systems
 * is UTF-8 (RFC 8259 §8.1), so a body that says it is in another charset is not JSON we could read
 * faithfully. Other parameters are ignored. Case-insensitive, as media types are.
 */
final class JsonMediaTypes {

    private JsonMediaTypes() {
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        boolean json = type.equals("application/json")
                || (type.startsWith("application/") && type.endsWith("+json") && type.length() > "application/+json".length()
                        && type.indexOf('/', "application/".length()) < 0);
        if (!json) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
                String charset = parameter.substring(equals + 1).trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8")) {
                    return false;
                }
            }
        }
        return true;
    }
}
