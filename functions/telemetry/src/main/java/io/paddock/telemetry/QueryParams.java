package io.paddock.telemetry;

import io.paddock.shared.http.Problem;
import jakarta.ws.rs.WebApplicationException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/** Query parameters parsed strictly: anything malformed is a 400 naming the parameter. */
final class QueryParams {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private QueryParams() {
    }

    static int limit(String raw) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the same answer as an out-of-range number
        }
        throw invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    static Instant instant(String name, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw invalid(name, "must be an RFC 3339 UTC timestamp");
        }
    }

    static UUID uuid(String name, String raw) {
        try {
            UUID value = UUID.fromString(raw);
            if (value.toString().equalsIgnoreCase(raw)) {
                return value;
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        throw invalid(name, "must be a UUID");
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
        return Problem.invalid("A query parameter is invalid", List.of(new Problem.FieldError(field, message)));
    }
}
