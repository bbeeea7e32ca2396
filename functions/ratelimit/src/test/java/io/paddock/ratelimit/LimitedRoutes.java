package io.paddock.ratelimit;

import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.validation.RequestBodies;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * Test-only stand-ins for the other functions' limited routes — a write, a read and an auth route — so the limiter is
 * proven here, on the real Lambda path, beside the standing and override routes that report on it.
 */
@Path("/test/limited")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class LimitedRoutes {

    public record Body(@NotBlank String email) {
    }

    @POST
    @Path("/write")
    @RateLimited(Category.WRITE)
    public Map<String, Object> write(Body body) {
        return Map.of("email", RequestBodies.valid(body).email());
    }

    /** A read route, so a test can spend the category the standing route reports without counting. */
    @GET
    @Path("/read")
    @RateLimited(Category.READ)
    public Map<String, Object> read() {
        return Map.of("read", true);
    }

    /** Always counted by address, token or not. */
    @POST
    @Path("/auth")
    @RateLimited(Category.AUTH)
    public Map<String, Object> auth(Body body) {
        return Map.of("email", RequestBodies.valid(body).email());
    }
}
