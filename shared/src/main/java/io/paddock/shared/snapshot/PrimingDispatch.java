package io.paddock.shared.snapshot;

import java.util.Optional;

/**
 * Sends one priming request through the function in-process, with {@code bearerToken} as its
 * {@code Authorization} when given, and returns the HTTP status it was answered with.
 */
@FunctionalInterface
public interface PrimingDispatch {

    int send(PrimingRequest request, Optional<String> bearerToken) throws Exception;
}
