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
        return invalid(400, detail, fieldErrors);
    }

    /**
     * As {@link #invalid(String, List)} with another 4xx status for what the fields break, e.g. 413 for a
     * batch of too many items: the type is the status's own ({@code payload-too-large}) except for 400.
     */
    public static WebApplicationException invalid(int status, String detail, List<FieldError> fieldErrors) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        Problem problem = of(status, status == 400 ? "validation-failed" : slug(status), title, detail, null, null)
                .withErrors(fieldErrors);
        return new WebApplicationException(detail, Response.status(status).entity(problem).type(MEDIA_TYPE).build());
    }

    /** The last part of {@code type} for a status when nothing more precise is known ({@code …/problems/not-found}). */
    public static String slug(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 422 -> "unprocessable-content";
            case 429 -> "quota-exceeded";
            case 503 -> "service-unavailable";
            default -> status >= 500 ? "server-error" : "client-error";
        };
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, requestId, fieldErrors);
    }
}
