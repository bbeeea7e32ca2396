package io.paddock.shared.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Completes problems that a resource shaped itself ({@code throw Problem.invalid(...)}, or a
 * WebApplicationException carrying a {@link Problem}): Quarkus REST sends such a response as it is,
 * without the exception mappers, so {@code instance} and {@code requestId} are filled in here.
 */
public class ProblemCompletion {

    private static final MediaType PROBLEM = MediaType.valueOf(Problem.MEDIA_TYPE);

    @ServerResponseFilter
    public void complete(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getEntity() instanceof Problem p && (p.instance() == null || p.requestId() == null)) {
            Problem completed = new Problem(p.type(), p.title(), p.status(), p.detail(),
                    p.instance() != null ? p.instance() : request.getUriInfo().getPath(),
                    p.requestId() != null ? p.requestId() : request.getHeaderString(RequestIds.HEADER), p.errors());
            response.setEntity(completed, response.getEntityAnnotations(), PROBLEM);
        }
        if (response.getEntity() instanceof Problem && !response.getHeaders().containsKey(HttpHeaders.CACHE_CONTROL)) {
            response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store"); // an error is never cached
        }
    }
}
