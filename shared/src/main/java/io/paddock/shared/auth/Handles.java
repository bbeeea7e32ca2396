package io.paddock.shared.auth;

import java.util.regex.Pattern;

/**
 * The handle rule: 3 to 30 of {@code a-z 0-9 _}, as given (nothing is rewritten). Auth refuses any other
 * handle at registration; feed answers 404 for one in a path, since no user can have it. The database holds
 * the same rule as {@code users_handle_shape} (V2 migration).
 */
public final class Handles {

    /** For OpenAPI {@code pattern} attributes, which need a constant. */
    public static final String PATTERN = "^[a-z0-9_]{3,30}$";

    private static final Pattern HANDLE = Pattern.compile(PATTERN);

    private Handles() {
    }

    public static boolean isValid(String handle) {
        return handle != null && HANDLE.matcher(handle).matches();
    }
}
