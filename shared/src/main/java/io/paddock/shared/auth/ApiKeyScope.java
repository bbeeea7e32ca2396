package io.paddock.shared.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What an API key may do; a key holds one or more. Judged in one place, {@link AuthorizationFilter}:
 * <ul>
 * <li>{@link #READ}: GET and HEAD of the routes that need no user (public feeds, posts, entities, the JWKS, health,
 * the caller's rate-limit standing);
 * <li>{@link #TELEMETRY_WRITE}: {@code POST /v1/events}, the one mutation that declares it ({@link AcceptsApiKey}).
 * </ul>
 * Any other mutation is a 403 ({@code insufficient-scope}), and a route that needs a user ({@link SignedIn},
 * {@link AdminOnly}) is a 403 for every key whatever its scopes: a key is not a user. The codes are what the API
 * takes and answers, and what table {@code api_keys} (migration V16) allows.
 */
public enum ApiKeyScope {

    READ("read"),
    TELEMETRY_WRITE("telemetry:write");

    private final String code;

    ApiKeyScope(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<ApiKeyScope> ofCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
    }

    public static List<String> codes() {
        return Arrays.stream(values()).map(ApiKeyScope::code).toList();
    }
}
