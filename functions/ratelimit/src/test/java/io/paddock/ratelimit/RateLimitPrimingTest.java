package io.paddock.ratelimit;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.testing.PrimingContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The ratelimit function's SnapStart priming ({@link RateLimitPriming}) through its Lambda handler, on the embedded stores. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class RateLimitPrimingTest extends PrimingContract {
}
