package io.paddock.bench.floor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The same bytes the origin answers, with none of its work (no limiter, no cache, no tag): the floor a
 * cache hit of the real route is measured against. The file is read once, at start.
 */
@jakarta.ws.rs.Path("/floor")
public class FloorResource {

    private final byte[] body;

    public FloorResource(@ConfigProperty(name = "paddock.floor.body") String file) {
        try {
            this.body = Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("paddock.floor.body (PADDOCK_FLOOR_BODY): cannot read " + file, e);
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] body() {
        return body;
    }
}
