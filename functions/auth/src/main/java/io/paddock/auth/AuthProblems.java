package io.paddock.auth;

import io.paddock.shared.http.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Problems an auth route shaped itself (409 naming the taken fields), completed with {@code instance}
 * and {@code requestId}.
 */
public class AuthProblems {

    @ServerExceptionMapper
    public Response shaped(Problems.Shaped e, HttpHeaders headers, UriInfo uri) {
        Problem p = e.problem;
        return Response.status(p.status()).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(new Problem(p.type(), p.title(), p.status(), p.detail(), uri.getPath(),
                        headers.getHeaderString("X-Request-Id"), p.errors()))
                .build();
    }
}
