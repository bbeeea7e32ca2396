package io.paddock.shared.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
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

    /** A 400 validation-failed problem naming the fields, for a resource to throw (the mappers add instance and requestId). */
    public static WebApplicationException invalid(String detail, List<FieldError> fieldErrors) {
        Problem problem = of(400, "validation-failed", "Bad Request", detail, null, null).withErrors(fieldErrors);
        return new WebApplicationException(detail, Response.status(400).entity(problem).type(MEDIA_TYPE).build());
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, requestId, fieldErrors);
    }
}
