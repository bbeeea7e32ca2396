package io.paddock.feed;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.testing.PrimingContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The feed function's SnapStart priming ({@link FeedPriming}) through its Lambda handler, on the embedded stores. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class FeedPrimingTest extends PrimingContract {
}
