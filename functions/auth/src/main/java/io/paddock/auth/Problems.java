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

    /**
     * A problem shaped by the route, completed with instance and requestId by {@link AuthProblems}.
     * (A WebApplicationException carrying an entity is sent as it is, without the shared mappers.)
     */
    static class Shaped extends RuntimeException {
        final Problem problem;

        Shaped(Problem problem) {
            super(problem.detail(), null, false, false);
            this.problem = problem;
        }
    }

    static Shaped conflict(List<String> fields) {
        return new Shaped(Problem.of(409, "conflict", "Conflict",
                "An account with this " + String.join(" and ", fields) + " already exists", null, null)
                .withErrors(fields.stream().map(f -> new Problem.FieldError(f, "is already registered")).toList()));
    }

    /** A valid token of an account that no longer exists. */
    static WebApplicationException accountGone() {
        return new WebApplicationException("The access token's account no longer exists", Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").build());
    }
}
