package io.paddock.telemetry;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.testing.PrimingContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The telemetry function's SnapStart priming ({@link TelemetryPriming}) through its Lambda handler, on the embedded stores. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class TelemetryPrimingTest extends PrimingContract {
}
