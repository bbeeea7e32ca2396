package io.paddock.shared.snapshot;

import io.paddock.shared.auth.AccessTokens;
import java.util.Objects;
import java.util.Optional;

/**
 * One request a function sends itself before its SnapStart snapshot, to load and compile what a real one
 * would: the route, the filters and the stores it reaches. Priming requests must store nothing a user
 * could see — reads, calls to protected routes without a token (401 before the body is read), signed-in calls
 * as the user no one is ({@link #signedInAs}) and malformed bodies refused with 400 before anything is stored —
 * and are answered with {@link #expectedStatus} when they went where they were meant to.
 *
 * @param path    raw path, with a query string if any ({@code /v1/feed/users/x?limit=5})
 * @param body    JSON sent as {@code application/json}, if any
 * @param role    the role of the bearer token sent, if any (see {@link AccessTokens.PrimingSignIn})
 * @param purpose what the request exercises, for the priming report
 */
public record PrimingRequest(String method, String path, Optional<String> body, Optional<String> role, int expectedStatus,
        String purpose) {

    public PrimingRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(purpose, "purpose");
    }

    public static PrimingRequest get(String path, int expectedStatus, String purpose) {
        return new PrimingRequest("GET", path, Optional.empty(), Optional.empty(), expectedStatus, purpose);
    }

    public static PrimingRequest send(String method, String path, String body, int expectedStatus, String purpose) {
        return new PrimingRequest(method, path, Optional.of(body), Optional.empty(), expectedStatus, purpose);
    }

    /**
     * The same request with a bearer token of {@link AccessTokens#PRIMING_USER} in {@code role} ({@code user} or
     * {@code admin}), so that it goes past the token check into the route.
     */
    public PrimingRequest signedInAs(String role) {
        return new PrimingRequest(method, path, body, Optional.of(role), expectedStatus, purpose);
    }

    /** The path without its query string. */
    public String rawPath() {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    /** The query string without its {@code ?}; empty when there is none. */
    public String rawQuery() {
        int query = path.indexOf('?');
        return query < 0 ? "" : path.substring(query + 1);
    }

    @Override
    public String toString() {
        return method + " " + path + role.map(r -> " as " + r).orElse("") + " → " + expectedStatus + " (" + purpose + ")";
    }
}
