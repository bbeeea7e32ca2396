package io.paddock.shared.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.shared.ids.Sha256;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The contract's caching rules for every GET: a strong ETag (a hash of the exact body bytes, so it
 * changes whenever the body does), {@code If-None-Match} answered with 304 and no body, and a
 * {@code Cache-Control} on every response — {@code no-store} unless the resource chose otherwise. A resource whose
 * body is a {@link StreamingOutput} (the data export, spooled to a file) sets its own {@code ETag} and answers its own
 * 304: this filter cannot hash bytes that are written only after the headers.
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
        if (response.getEntity() instanceof StreamingOutput) {
            // Its bytes do not exist before the headers go: the resource tagged it (and answered a 304) itself.
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
        return strongTagOfDigest(Sha256.digest(body));
    }

    /** {@link #strongTag} of a body whose SHA-256 was taken as it was written (the spooled data export). */
    public static String strongTagOfDigest(byte[] digest) {
        return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27) + "\"";
    }

    /** How many tags of one {@code If-None-Match} are looked at: a client holds one copy of a page, rarely a few. */
    static final int MAX_CANDIDATES = 8;
    private static final Pattern OPAQUE_TAG = Pattern.compile("\"[A-Za-z0-9_-]{1,64}\"");

    /**
     * The tags of an {@code If-None-Match} that one of ours could equal, weak ones as strong (weak comparison),
     * or just {@code *}: what a store compares with its own tag without the body (the feed cache). A malformed
     * entry cannot match a tag of ours and is left out; at most {@link #MAX_CANDIDATES}; empty for no header.
     */
    public static List<String> candidates(String ifNoneMatch) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*")) {
                return List.of("*");
            }
            c = c.startsWith("W/") ? c.substring(2) : c;
            if (tags.size() < MAX_CANDIDATES && OPAQUE_TAG.matcher(c).matches()) {
                tags.add(c);
            }
        }
        return List.copyOf(tags);
    }

    /** RFC 9110 §13.1.2: weak comparison, a list of tags or {@code *}. */
    public static boolean matches(String ifNoneMatch, String etag) {
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
