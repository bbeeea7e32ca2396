package io.paddock.telemetry;

import jakarta.ws.rs.WebApplicationException;
import java.time.Instant;
import java.util.UUID;

/** Query parameters parsed strictly: anything malformed is a 400 naming the parameter. */
final class QueryParams {

    static final int DEFAULT_LIMIT = io.paddock.shared.http.QueryParams.DEFAULT_LIMIT;
    static final int MAX_LIMIT = io.paddock.shared.http.QueryParams.MAX_LIMIT;

    private QueryParams() {
    }

    static int limit(String raw) {
        return io.paddock.shared.http.QueryParams.limit(raw);
    }

    static Instant instant(String name, String raw) {
        return io.paddock.shared.http.QueryParams.instant(name, raw);
    }

    static UUID uuid(String name, String raw) {
        return io.paddock.shared.http.QueryParams.uuid(name, raw);
    }

    static String storable(String name, String raw) {
        return io.paddock.shared.http.QueryParams.storable(name, raw);
    }

    static EventPage.Cursor cursor(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return EventPage.Cursor.decode(raw);
        } catch (IllegalArgumentException e) {
            throw invalid("cursor", e.getMessage());
        }
    }

    static WebApplicationException invalid(String field, String message) {
        return io.paddock.shared.http.QueryParams.invalid(field, message);
    }
}
