package io.paddock.shared.http;

import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimited;
import io.paddock.shared.validation.RequestBodies;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * Test-only routes of the library's own test app, standing in for the functions' JSON routes, so the
 * shared conventions — problem+json for bad bodies, ETags — are proven on the real Lambda path.
 */
@Path("/test/probe")
public class ProbeResource {

    public record Signup(@NotBlank @Pattern(regexp = "[^@\\s]+@[^@\\s]+", message = "must be an e-mail address") String email, @NotBlank @Size(min = 8, max = 128) String password,
            int age) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> create(Signup body) {
        return Map.of("email", RequestBodies.valid(body).email());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> stable() {
        return Map.of("answer", 42);
    }

    /** A limited write route: the shared limiter on the real Lambda path. */
    @POST
    @Path("/limited")
    @RateLimited(Category.WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> limited(Signup body) {
        return Map.of("email", RequestBodies.valid(body).email());
    }

    /** Whether CloudFront's origin secret reached a resource (it must not: the origin lock removes it). */
    @GET
    @Path("/origin-header")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> originHeader(@jakarta.ws.rs.HeaderParam("X-Origin-Verify") String value) {
        return Map.of("present", value != null);
    }

    /** An answer holding an instant finer than milliseconds, as PostgreSQL's timestamptz (microseconds) gives. */
    @GET
    @Path("/instant")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> instant() {
        return Map.of("at", java.time.Instant.parse("2026-11-24T06:40:00.123456789Z"));
    }

    @GET
    @Path("/boom")
    public String boom() {
        throw new IllegalStateException("secret internal detail at db.internal:5432");
    }
}
