package io.paddock.shared.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem document as the contract shapes it: {@code type}, {@code title}, {@code status},
 * {@code detail}, {@code instance}, {@code requestId}, and {@code errors} for validation failures.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String requestId,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://paddock.dev/problems/";

    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String slug, String title, String detail, String instance, String requestId) {
        return new Problem(TYPE_BASE + slug, title, status, detail, instance, requestId, null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, requestId, fieldErrors);
    }
}
