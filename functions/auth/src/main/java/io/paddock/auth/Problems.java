package io.paddock.auth;

import io.paddock.shared.http.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** The auth routes' 4xx answers that say more than a status (the shared mappers finish the problem). */
final class Problems {

    /** One message for an unknown address and a wrong password. */
    static final String WRONG_CREDENTIALS = "The e-mail address or the password is wrong";
    static final String REFRESH_REFUSED = "The refresh token is invalid, expired, spent or revoked; log in again";

    private Problems() {
    }

    /** 409 naming the taken fields; the shared ProblemCompletion adds instance and requestId. */
    static WebApplicationException conflict(List<String> fields) {
        Problem problem = Problem.of(409, "conflict", "Conflict",
                "An account with this " + String.join(" and ", fields) + " already exists", null, null)
                .withErrors(fields.stream().map(f -> new Problem.FieldError(f, "is already registered")).toList());
        return new WebApplicationException(problem.detail(), Response.status(409).entity(problem).type(Problem.MEDIA_TYPE).build());
    }

    /** A valid token of an account that no longer exists. */
    static WebApplicationException accountGone() {
        return new WebApplicationException("The access token's account no longer exists", Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").build());
    }
}
