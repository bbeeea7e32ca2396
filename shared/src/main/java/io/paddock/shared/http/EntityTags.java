package io.paddock.shared.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.shared.ids.Sha256;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The contract's caching rules for every GET: a strong ETag (a hash of the exact body bytes, so it
 * changes whenever the body does), {@code If-None-Match} answered with 304 and no body, and a
 * {@code Cache-Control} on every response — {@code no-store} unless the resource chose otherwise.
 */
public class EntityTags {

    private final ObjectMapper json;

    public EntityTags(ObjectMapper json) {
        this.json = json;
    }

    @ServerResponseFilter
    public void tag(ContainerRequestContext request, ContainerResponseContext response) throws IOException {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return;
        }
        if (!response.getHeaders().containsKey(HttpHeaders.CACHE_CONTROL)) {
            response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        if (response.getStatus() != 200 || !response.hasEntity()) {
            return;
        }
        String etag = response.getHeaderString(HttpHeaders.ETAG);
        if (etag == null) {
            byte[] body = response.getEntity() instanceof byte[] bytes ? bytes
                    : response.getEntity() instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                    : json.writeValueAsBytes(response.getEntity());
            etag = strongTag(body);
            MediaType type = response.getMediaType() != null ? response.getMediaType() : MediaType.APPLICATION_JSON_TYPE;
            response.setEntity(body, response.getEntityAnnotations(), type);
            response.getHeaders().putSingle(HttpHeaders.ETAG, etag);
        }
        if (matches(request.getHeaderString(HttpHeaders.IF_NONE_MATCH), etag)) {
            response.setStatus(304);
            response.setEntity(null);
            response.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
            response.getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
        }
    }

    public static String strongTag(byte[] body) {
        byte[] digest = Sha256.digest(body);
        return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27) + "\"";
    }

    /** RFC 9110 §13.1.2: weak comparison, a list of tags or {@code *}. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || (c.startsWith("W/") ? c.substring(2) : c).equals(opaque)) {
                return true;
            }
        }
        return false;
    }
}
