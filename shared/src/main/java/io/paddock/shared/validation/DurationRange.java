package io.paddock.shared.validation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@link java.time.Duration} setting: it must lie between {@code min} and {@code max}, inclusive, both
 * written as ISO-8601 durations ({@code PT1M}, {@code P7D}). Checked by {@link Constraints}.
 */
@Documented
@Target({ElementType.METHOD, ElementType.FIELD, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface DurationRange {

    String min();

    String max();

    /** Said after the key, e.g. "must be between 1 minute and 7 days". */
    String message();
}
