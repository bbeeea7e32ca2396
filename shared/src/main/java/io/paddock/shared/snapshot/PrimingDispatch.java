package io.paddock.shared.snapshot;

/** Sends one priming request through the function in-process and returns the HTTP status it was answered with. */
@FunctionalInterface
public interface PrimingDispatch {

    int send(PrimingRequest request) throws Exception;
}
