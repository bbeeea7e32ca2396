package io.paddock.shared.http;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/** The contract's query and path parameters parsed strictly: anything malformed is a 400 naming the parameter. */
public final class QueryParams {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private QueryParams() {
    }

    /** {@code ?limit=}: default 20, 1 to 100. */
    public static int limit(String raw) {
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

    /** An RFC 3339 UTC timestamp in the years 2000 to 2100 ({@link StorableText#saneInstant}); null when absent. */
    public static Instant instant(String name, String raw) {
        if (raw == null) {
            return null;
        }
        Instant at;
        try {
            // RFC 3339 has no signed years; Java's parser reads them (+10000-…, -999999999-…).
            if (raw.startsWith("+") || raw.startsWith("-")) {
                throw new DateTimeParseException("signed year", raw, 0);
            }
            at = Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw invalid(name, "must be an RFC 3339 UTC timestamp");
        }
        if (!StorableText.saneInstant(at)) {
            throw invalid(name, StorableText.YEARS);
        }
        return at;
    }

    /** Free text in a parameter: NUL and unpaired surrogates are a 400 ({@link StorableText}); null passes. */
    public static String storable(String name, String raw) {
        String problem = StorableText.problem(raw);
        if (problem != null) {
            throw invalid(name, "must not contain " + problem);
        }
        return raw;
    }

    /** A UUID in its canonical text form (any case); anything else is a 400. */
    public static UUID uuid(String name, String raw) {
        try {
            UUID value = UUID.fromString(raw);
            if (value.toString().equalsIgnoreCase(raw)) {
                return value;
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // falls through
        }
        throw invalid(name, "must be a UUID");
    }

    public static jakarta.ws.rs.WebApplicationException invalid(String field, String message) {
        return Problem.invalid("A query parameter is invalid", List.of(new Problem.FieldError(field, message)));
    }
}
