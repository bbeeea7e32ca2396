package io.paddock.shared.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The contract's timestamps: RFC 3339, UTC, milliseconds (2026-11-24T06:40:00.123Z); finer digits are cut, not rounded. */
public final class Timestamps {

    private static final DateTimeFormatter RFC3339_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String format(Instant instant) {
        return RFC3339_MILLIS.format(instant);
    }
}
