package io.paddock.shared.snapshot;

import java.util.List;

/**
 * The priming requests of one function, declared by the function (a CDI bean implementing this), since only
 * it knows its routes: one representative request per route class — a read of each store it reads, a
 * refused write, a protected route called anonymously. See {@link PrimingRequest} for what they must not do.
 */
public interface PrimingRequests {

    List<PrimingRequest> requests();
}
