package io.paddock.shared.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.paddock.shared.observability.ErrorReports;
import io.paddock.shared.observability.RequestRecords;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every failure a resource can raise becomes a problem+json response. Bad input is always a 4xx with
 * what was wrong; anything unexpected is a 500 that names only the request id (the log has the rest).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final RouteTable routes;
    private final ErrorReports errorReports;

    public ProblemMappers(RouteTable routes, ErrorReports errorReports) {
        this.routes = routes;
        this.errorReports = errorReports;
    }

    @ServerExceptionMapper(priority = 1)
    public Response webApplication(WebApplicationException e, HttpHeaders headers, UriInfo uri) {
        // Quarkus REST wraps a body Jackson could not read in a 400; say what was wrong with it.
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, headers, uri);
        }
        Response original = e.getResponse();
        int status = original.getStatus();
        if (original.getEntity() instanceof Problem chosen) {
            // A resource shaped the problem itself (e.g. field errors of query parameters): keep it.
            Response.ResponseBuilder builder = build(new Problem(chosen.type(), chosen.title(), chosen.status(),
                    chosen.detail(), uri.getPath(), headers.getHeaderString(RequestIds.HEADER), chosen.errors()));
            // An API key's insufficient-scope 403 names its scheme's challenge.
            copyHeader(original, builder, HttpHeaders.WWW_AUTHENTICATE);
            return builder.build();
        }
        if (status == 503) {
            // Expected while a store is down (the breaker transition is logged once): a line, not a trace each time.
            LOG.warnf("503 on %s: %s", uri.getPath(), e.getMessage());
        } else if (status >= 500) {
            LOG.errorf(e, "server error %d on %s", status, uri.getPath());
        }
        String slug = Problem.slug(status);
        String detail = switch (status) {
            case 404 -> "No resource at " + uri.getPath();
            case 405 -> "This route does not accept that method";
            case 415 -> "Send the body as application/json";
            case 406 -> "This route answers application/json only";
            default -> status >= 500 ? "The request could not be completed; quote the requestId" : safeMessage(e);
        };
        String allow = null;
        if (status == 405) {
            allow = original.getHeaderString(HttpHeaders.ALLOW);
            if (allow == null || allow.isBlank()) {
                allow = String.join(", ", routes.allowedMethods(uri.getPath()));
            }
            if (allow.isBlank()) {
                // A 405 must name what is allowed (RFC 9110 §15.5.6); a path no route answers is not found.
                return webApplication(new WebApplicationException(404), headers, uri);
            }
        }
        Response.ResponseBuilder builder = build(problem(status, slug, detail, headers, uri));
        if (allow != null) {
            builder.header(HttpHeaders.ALLOW, allow);
        }
        copyHeader(original, builder, HttpHeaders.WWW_AUTHENTICATE);
        copyHeader(original, builder, HttpHeaders.RETRY_AFTER);
        return builder.build();
    }

    /** Quarkus REST maps these two itself (plain JSON); the exact types make ours the closer match. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatchedInput(MismatchedInputException e, HttpHeaders headers, UriInfo uri) {
        return malformedJson(e, headers, uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unparsable(JsonParseException e, HttpHeaders headers, UriInfo uri) {
        return malformedJson(e, headers, uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response malformedJson(JsonProcessingException e, HttpHeaders headers, UriInfo uri) {
        Problem problem;
        if (e instanceof JsonParseException && String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) {
            // StrictJsonReading: which value was meant is unknowable, so neither is taken.
            problem = problem(400, "malformed-json", "An object in the body gives the same key twice", headers, uri);
        } else if (e instanceof JsonParseException) {
            problem = problem(400, "malformed-json", "The body is not valid JSON", headers, uri);
        } else if (e instanceof UnrecognizedPropertyException unknown) {
            problem = problem(400, "validation-failed", "The body has a field this route does not know", headers, uri)
                    .withErrors(List.of(new Problem.FieldError(path(unknown), "unknown field")));
        } else if (e instanceof MismatchedInputException mismatch) {
            // A scalar refused for a text field (StrictJsonReading) is a wrong type, not a badly written value.
            String expected = mismatch instanceof InvalidFormatException && mismatch.getTargetType() != String.class
                    ? "has the wrong format" : "has the wrong type";
            String field = path(mismatch);
            problem = field.isEmpty()
                    ? problem(400, "malformed-json", "The body does not have the expected shape", headers, uri)
                    : problem(400, "validation-failed", "A field has the wrong type", headers, uri)
                            .withErrors(List.of(new Problem.FieldError(field, expected)));
        } else {
            problem = problem(400, "malformed-json", "The body is not valid JSON", headers, uri);
        }
        return build(problem).build();
    }

    /**
     * The one place a PostgreSQL failure becomes the contract's 503 with Retry-After: resources and the plain
     * classes under them let {@link SQLException} through rather than catching it (a build check in
     * infra/local fails on a resource that catches one). Only the kind and SQLState are logged: driver
     * messages can name hosts.
     */
    @ServerExceptionMapper(priority = 1)
    public Response postgresUnavailable(SQLException e, HttpHeaders headers, UriInfo uri) {
        return webApplication(new ServiceUnavailable("PostgreSQL unavailable (" + e.getClass().getSimpleName()
                + ", SQLState " + e.getSQLState() + ")", e), headers, uri);
    }

    /** As {@link #postgresUnavailable}, for DynamoDB (idempotency keys, refresh-token families, parked batches). */
    @ServerExceptionMapper(priority = 1)
    public Response dynamoUnavailable(SdkException e, HttpHeaders headers, UriInfo uri) {
        return webApplication(new ServiceUnavailable("DynamoDB unavailable (" + e.getClass().getSimpleName() + ")", e),
                headers, uri);
    }

    @ServerExceptionMapper(priority = 10)
    public Response unexpected(Throwable e, HttpHeaders headers, UriInfo uri, RoutingContext rc) {
        LOG.errorf(e, "unhandled %s on %s", e.getClass().getName(), uri.getPath());
        errorReports.report(e, rc.request(), RequestRecords.of(rc));
        return build(problem(500, "server-error",
                "The request could not be completed; quote the requestId", headers, uri)).build();
    }

    static Problem problem(int status, String slug, String detail, HttpHeaders headers, UriInfo uri) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        return Problem.of(status, slug, title, detail, uri.getPath(), headers.getHeaderString(RequestIds.HEADER));
    }

    static Response.ResponseBuilder build(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(problem);
    }

    private static void copyHeader(Response from, Response.ResponseBuilder to, String name) {
        Object value = from.getHeaders().getFirst(name);
        if (value != null) {
            to.header(name, value);
        }
    }

    /** Framework messages for 4xx are written for clients; never echo anything else. */
    private static String safeMessage(WebApplicationException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank() || message.startsWith("HTTP ") || message.length() > 300) {
            Response.Status known = Response.Status.fromStatusCode(e.getResponse().getStatus());
            return known != null ? known.getReasonPhrase() : "Request rejected";
        }
        return message;
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
