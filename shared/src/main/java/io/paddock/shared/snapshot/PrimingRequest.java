package io.paddock.shared.snapshot;

import java.util.Objects;
import java.util.Optional;

/**
 * One request a function sends itself before its SnapStart snapshot, to load and compile what a real one
 * would: the route, the filters and the stores it reaches. Priming requests must store nothing a user
 * could see — reads, anonymous calls to protected routes (401 before the body is read) and malformed bodies
 * refused with 400 before anything is stored — and are answered with {@link #expectedStatus} when they
 * went where they were meant to.
 *
 * @param path    raw path, with a query string if any ({@code /v1/feed/users/x?limit=5})
 * @param body    JSON sent as {@code application/json}, if any
 * @param purpose what the request exercises, for the priming report
 */
public record PrimingRequest(String method, String path, Optional<String> body, int expectedStatus, String purpose) {

    public PrimingRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(purpose, "purpose");
    }

    public static PrimingRequest get(String path, int expectedStatus, String purpose) {
        return new PrimingRequest("GET", path, Optional.empty(), expectedStatus, purpose);
    }

    public static PrimingRequest send(String method, String path, String body, int expectedStatus, String purpose) {
        return new PrimingRequest(method, path, Optional.of(body), expectedStatus, purpose);
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
        return method + " " + path + " → " + expectedStatus + " (" + purpose + ")";
    }
}
