package io.paddock.shared.http;

import io.paddock.shared.ids.Ids;
import java.util.regex.Pattern;

/** X-Request-Id: the client's value is echoed when it is a sane token, else a fresh UUIDv7 is used. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    /** A sane token: what is echoed, and so what a client may quote back (telemetry's feedRequestId). */
    public static final String TOKEN_PATTERN = "[A-Za-z0-9._:\\-]{8,128}";
    private static final Pattern SANE = Pattern.compile(TOKEN_PATTERN);

    private RequestIds() {
    }

    public static String acceptOrCreate(String fromClient) {
        if (fromClient != null && SANE.matcher(fromClient).matches()) {
            return fromClient;
        }
        return Ids.uuidV7().toString();
    }
}
