package io.paddock.shared.http;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

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

    /**
     * Documents a route's parameter by what the parser it goes through accepts (the routes take every parameter
     * as text so that a bad one is a 400 naming it, which leaves SmallRye writing each as a bare string): a
     * generated client then gets {@code limit: number}, dates and ids, not strings to guess.
     */
    static void document(Parameter parameter) {
        if (parameter.getName() == null || parameter.getIn() == null || parameter.getIn() == Parameter.In.HEADER) {
            return;
        }
        Schema schema = switch (parameter.getName()) {
            case "limit" -> OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)).format("int32")
                    .minimum(java.math.BigDecimal.ONE).maximum(java.math.BigDecimal.valueOf(MAX_LIMIT))
                    .defaultValue(DEFAULT_LIMIT);
            case "cursor" -> OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING));
            case "from", "to" -> OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).format("date-time");
            case "postId", "entityId", "userId", "actor" -> OASFactory.createSchema().ref("UUID");
            default -> null;
        };
        if (schema == null) {
            return;
        }
        parameter.setSchema(schema);
        if (parameter.getDescription() == null) {
            parameter.setDescription(switch (parameter.getName()) {
                case "limit" -> "Page size: 1 to " + MAX_LIMIT + ", " + DEFAULT_LIMIT + " when absent";
                case "cursor" -> "The nextCursor of the previous page, as it was; absent for the first page";
                case "from" -> "Start of the range, inclusive (RFC 3339, UTC)";
                case "to" -> "End of the range, exclusive (RFC 3339, UTC)";
                default -> null;
            });
        }
    }

    public static jakarta.ws.rs.WebApplicationException invalid(String field, String message) {
        return Problem.invalid("A query parameter is invalid", List.of(new Problem.FieldError(field, message)));
    }
}
