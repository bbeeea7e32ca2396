package io.paddock.auth;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.testing.PrimingContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The auth function's SnapStart priming ({@link AuthPriming}) through its Lambda handler, on the embedded stores. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class AuthPrimingTest extends PrimingContract {
}
