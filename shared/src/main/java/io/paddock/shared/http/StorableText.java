package io.paddock.shared.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;

/**
 * The one check, for every route, of what PostgreSQL can store and where instants may lie (contract v1.1).
 * PostgreSQL refuses NUL (U+0000) in text and jsonb, and would turn an unpaired UTF-16 surrogate into
 * something else; its refusal once looked like an outage (503). Such text is refused at validation (400):
 * with {@link Storable} on a request field, with {@link QueryParams#storable} on a parameter, or by
 * calling {@link #problem} directly. A surrogate pair (an emoji, say) is one valid character and passes.
 */
public final class StorableText {

    /** The first instant a timestamp in a request (a parameter or a decoded cursor) may name. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** The first instant past the sane range: years 2000 to 2100 are accepted. */
    public static final Instant END = Instant.parse("2101-01-01T00:00:00Z");
    public static final String YEARS = "must lie in the years 2000 to 2100";

    private StorableText() {
    }

    /** Why PostgreSQL cannot keep {@code text} as it is ("a NUL character (U+0000)" …), or null when it can. */
    public static String problem(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "a NUL character (U+0000)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair: one code point beyond the BMP, stored fine
            } else if (Character.isSurrogate(c)) {
                return "an unpaired surrogate (invalid Unicode)";
            }
        }
        return null;
    }

    /** Whether {@code at} lies in the years 2000 to 2100 (UTC). */
    public static boolean saneInstant(Instant at) {
        return !at.isBefore(EARLIEST) && at.isBefore(END);
    }

    /**
     * On a request field (a String): NUL and unpaired surrogates are a 400 naming the field
     * ({@code io.paddock.shared.validation.Constraints} checks it). Null passes.
     */
    @Documented
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT,
            ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Storable {
    }
}
