package io.paddock.shared.validation;

import io.paddock.shared.http.StorableText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Bean Validation constraints Paddock writes on request bodies and settings, checked without a Bean
 * Validation provider. Why: bootstrapping Hibernate Validator was about a seventh of a function's cold start
 * (README, "Lambda cold start"), to check a handful of fields. The annotations stay the one statement of each
 * rule — SmallRye OpenAPI reads them into the document, this class checks them — so the two cannot drift.
 *
 * <p>Supported: {@link NotNull}, {@link NotBlank}, {@link Size} (text length, collection size), {@link Pattern}
 * (the whole value must match, as in Bean Validation), {@link Min}, {@link Max}, {@link DecimalMin},
 * {@link DecimalMax} (numbers; NaN never passes), {@link StorableText.Storable}, {@link DurationRange}, and
 * {@link Valid} to check a
 * nested record or each element of a list; on a list's element type ({@code List<@NotNull UUID>}) too. Any
 * other {@code jakarta.validation} constraint is refused when a class is first checked, so a rule can never be
 * written and silently not checked. A message written on the annotation is used as it is; without one, Bean
 * Validation's English default.
 */
public final class Constraints {

    /** One broken rule: where (a field path such as {@code targetEntityIds[2]}), and what is wrong. */
    public record Violation(String path, String message) {
    }

    /**
     * Text with at least one character that is not ASCII whitespace: the blank check of free-text fields, for
     * {@link Pattern}. It is also the document's {@code pattern}, so it is written the way ECMA-262 and Java
     * read alike, anchored ({@code (?s)} and Java's whitespace meaning of {@code \S} are not portable: a
     * JavaScript validator cannot compile the one and reads the other as Unicode whitespace).
     */
    public static final String NOT_BLANK = "^[\\s\\S]*[^\\t\\n\\x0B\\f\\r ][\\s\\S]*$";

    private static final String CONSTRAINTS_PACKAGE = "jakarta.validation.constraints.";
    private static final Set<Class<? extends Annotation>> SUPPORTED = Set.of(NotNull.class, NotBlank.class, Size.class,
            Pattern.class, Min.class, Max.class, DecimalMin.class, DecimalMax.class, StorableText.Storable.class,
            DurationRange.class);
    /** Compiled patterns by expression: the annotations are few and fixed. */
    private static final Map<String, java.util.regex.Pattern> PATTERNS = new ConcurrentHashMap<>();

    private Constraints() {
    }

    /**
     * What is wrong with {@code value}, a record read from a request body: each component's constraints,
     * nested records and list elements where {@link Valid} asks, and {@link CheckedAsAWhole#problems()}.
     * Empty when nothing is.
     */
    public static List<Violation> ofRecord(Object value) {
        List<Violation> found = new ArrayList<>();
        checkRecord(value, "", found);
        return List.copyOf(found);
    }

    /**
     * What is wrong with one value under the constraints on {@code element} (a settings method, a record
     * accessor), named {@code path}. An {@link Optional} is checked by its content, when present.
     */
    public static List<Violation> of(AnnotatedElement element, Object value, String path) {
        List<Violation> found = new ArrayList<>();
        check(element.getAnnotations(), value, path, found);
        return List.copyOf(found);
    }

    private static void checkRecord(Object value, String prefix, List<Violation> found) {
        Class<?> type = value.getClass();
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record: only records are checked");
        }
        for (var component : type.getRecordComponents()) {
            Object field;
            try {
                field = component.getAccessor().invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + type.getName() + "." + component.getName(), e);
            }
            String path = prefix + component.getName();
            check(component.getAccessor().getAnnotations(), field, path, found);
            checkElements(component.getAnnotatedType(), field, path, found);
            if (field != null && component.getAccessor().isAnnotationPresent(Valid.class)) {
                cascade(field, path, found);
            }
        }
        if (value instanceof CheckedAsAWhole whole) {
            whole.problems().forEach(p -> found.add(new Violation(prefix + p.path(), p.message())));
        }
    }

    /** {@code List<@NotNull UUID>}: the element type's constraints, on each element. */
    private static void checkElements(AnnotatedType type, Object value, String path, List<Violation> found) {
        if (!(type instanceof AnnotatedParameterizedType parameterized) || !(value instanceof Collection<?> elements)) {
            return;
        }
        AnnotatedType[] arguments = parameterized.getAnnotatedActualTypeArguments();
        if (arguments.length != 1 || arguments[0].getAnnotations().length == 0) {
            return;
        }
        int i = 0;
        for (Object element : elements) {
            check(arguments[0].getAnnotations(), element, path + "[" + i++ + "]", found);
        }
    }

    private static void cascade(Object value, String path, List<Violation> found) {
        if (value instanceof Collection<?> elements) {
            int i = 0;
            for (Object element : elements) {
                if (element != null && element.getClass().isRecord()) {
                    checkRecord(element, path + "[" + i + "].", found);
                }
                i++;
            }
        } else if (value.getClass().isRecord()) {
            checkRecord(value, path + ".", found);
        }
    }

    private static void check(Annotation[] annotations, Object value, String path, List<Violation> found) {
        Object actual = value instanceof Optional<?> optional ? optional.orElse(null) : value;
        boolean optionalEmpty = value instanceof Optional<?> optional && optional.isEmpty();
        for (Annotation annotation : annotations) {
            Class<? extends Annotation> kind = annotation.annotationType();
            if (!SUPPORTED.contains(kind)) {
                if (kind.getName().startsWith(CONSTRAINTS_PACKAGE) || kind.isAnnotationPresent(jakarta.validation.Constraint.class)) {
                    throw new IllegalStateException("@" + kind.getSimpleName() + " on " + path
                            + " is not checked by io.paddock.shared.validation.Constraints: add it there or use a supported rule");
                }
                continue;
            }
            String broken = broken(annotation, actual, optionalEmpty);
            Violation violation = new Violation(path, broken);
            if (broken != null && !found.contains(violation)) { // NaN breaks a minimum and a maximum of one message
                found.add(violation);
            }
        }
    }

    /** The message when {@code value} breaks {@code rule}; null when it keeps it. Null values keep every rule but not-null ones. */
    private static String broken(Annotation rule, Object value, boolean optionalEmpty) {
        return switch (rule) {
            case NotNull r -> value == null && !optionalEmpty ? message(r.message(), "must not be null") : null;
            case NotBlank r -> value == null && !optionalEmpty || value != null && value.toString().isBlank()
                    ? message(r.message(), "must not be blank") : null;
            case Size r -> {
                Integer size = value instanceof CharSequence text ? Integer.valueOf(text.length())
                        : value instanceof Collection<?> c ? Integer.valueOf(c.size()) : null;
                yield size != null && (size < r.min() || size > r.max())
                        ? message(r.message(), "size must be between " + r.min() + " and " + r.max()) : null;
            }
            case Pattern r -> value instanceof CharSequence text
                    && !PATTERNS.computeIfAbsent(r.regexp(), java.util.regex.Pattern::compile).matcher(text).matches()
                    ? message(r.message(), "must match \"" + r.regexp() + "\"") : null;
            case Min r -> outside(value, BigDecimal.valueOf(r.value()), true, true)
                    ? message(r.message(), "must be greater than or equal to " + r.value()) : null;
            case Max r -> outside(value, BigDecimal.valueOf(r.value()), false, true)
                    ? message(r.message(), "must be less than or equal to " + r.value()) : null;
            case DecimalMin r -> outside(value, new BigDecimal(r.value()), true, r.inclusive())
                    ? message(r.message(), "must be greater than " + (r.inclusive() ? "or equal to " : "") + r.value()) : null;
            case DecimalMax r -> outside(value, new BigDecimal(r.value()), false, r.inclusive())
                    ? message(r.message(), "must be less than " + (r.inclusive() ? "or equal to " : "") + r.value()) : null;
            case StorableText.Storable r -> value instanceof String text && StorableText.problem(text) != null
                    ? "must not contain " + StorableText.problem(text) : null;
            case DurationRange r -> value instanceof Duration d
                    && (d.compareTo(Duration.parse(r.min())) < 0 || d.compareTo(Duration.parse(r.max())) > 0) ? r.message() : null;
            default -> null;
        };
    }

    /** Whether a number lies below ({@code lower}) or above the bound; NaN and infinities always do. */
    private static boolean outside(Object value, BigDecimal bound, boolean lower, boolean inclusive) {
        if (!(value instanceof Number number)) {
            return false;
        }
        if ((number instanceof Double || number instanceof Float) && !Double.isFinite(number.doubleValue())) {
            return true;
        }
        BigDecimal actual = number instanceof Double || number instanceof Float ? BigDecimal.valueOf(number.doubleValue())
                : number instanceof BigDecimal big ? big : new BigDecimal(number.toString());
        int order = actual.compareTo(bound);
        return lower ? (inclusive ? order < 0 : order <= 0) : (inclusive ? order > 0 : order >= 0);
    }

    private static String message(String written, String fallback) {
        return written.startsWith("{") ? fallback : written;
    }
}
