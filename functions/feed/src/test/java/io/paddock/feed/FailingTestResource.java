package io.paddock.feed;

import io.paddock.shared.observability.RequestRecord;
import io.paddock.shared.observability.RequestRecords;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * Test-only route (no real route lives under /v1/test-only) that does what a failing request does:
 * some store calls for a signed-in user, then an exception nobody handles.
 */
@Path("/v1/test-only/failure")
public class FailingTestResource {

    static final String USER_ID = "0190a6a4-7b1e-7c3d-9f00-00000000a11c";
    static final String EMAIL = "ada.sentry@example.com";

    @GET
    public String fail() {
        RequestRecord record = RequestRecords.current();
        record.storeCall("postgres", "select", 3, true);
        record.storeCall("redis", "get", 1, false);
        record.userId(USER_ID);
        throw new IllegalStateException("profile of " + EMAIL + " could not be loaded");
    }
}
