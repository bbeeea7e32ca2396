package io.paddock.shared.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * A store the request cannot do without did not answer: 503 problem with Retry-After. The cause is
 * logged with the request id ({@link ProblemMappers}); the client learns nothing about the store.
 * {@link java.sql.SQLException}s and DynamoDB's {@code SdkException}s become this in {@link ProblemMappers} without
 * being caught; it is thrown by hand only where a store fails in another way (a Redis write that must be
 * known to have happened, a breaker that is open).
 */
public class ServiceUnavailable extends WebApplicationException {

    public static final int RETRY_AFTER_SECONDS = 5;

    public ServiceUnavailable(String what, Throwable cause) {
        super(what, cause, Response.status(503).header(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS)).build());
    }
}
