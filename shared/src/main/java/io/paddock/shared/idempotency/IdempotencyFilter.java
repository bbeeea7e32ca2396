package io.paddock.shared.idempotency;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.shared.auth.AuthorizationFilter;
import io.paddock.shared.auth.Caller;
import io.paddock.shared.auth.Integration;
import io.paddock.shared.auth.Principal;
import io.paddock.shared.http.Problem;
import io.paddock.shared.http.RouteTemplates;
import io.paddock.shared.http.ServiceUnavailable;
import io.paddock.shared.ids.Sha256;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The contract's optional {@code Idempotency-Key} on mutations: the same key and request within 24 h
 * returns the first response (status and body, byte for byte) without doing the work again; the same
 * key with a different request is a 422; while the first is still running, 409 with Retry-After.
 * Keys are scoped to the caller (user, else API key, else client address), the method and the route template; the
 * path's values, query and body make the request's fingerprint. Runs after the
 * limit step, so replays still count against the caller's limits. 5xx answers are not kept: a retry
 * of a failed request does the work. Routes marked {@link AnswerNeverKept} ignore the header. Routes marked
 * {@link ReplayedAfterRevocation} (account deletion, which revokes its own caller's token) also replay a kept
 * answer to that revoked token, before authorization would refuse it.
 */
public class IdempotencyFilter {

    private static final Logger LOG = Logger.getLogger(IdempotencyFilter.class);
    static final String HEADER = "Idempotency-Key";
    static final String PENDING = "paddock.idempotency";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final Set<String> MUTATIONS = Set.of("POST", "PUT", "PATCH", "DELETE");

    record Pending(String pk, String fingerprint) {
    }

    private final IdempotencyKeys keys;
    private final Caller caller;
    private final ObjectMapper json;

    public IdempotencyFilter(IdempotencyKeys keys, Caller caller, ObjectMapper json) {
        this.keys = keys;
        this.caller = caller;
        this.json = json;
    }

    /**
     * {@link ReplayedAfterRevocation}: before authorization (which would refuse the revoked token), the answer kept
     * for this caller, key and request, if there is one. Read only: nothing is claimed, and without a kept answer
     * the request goes on to be refused.
     */
    @ServerRequestFilter(priority = AuthorizationFilter.PRIORITY - 10)
    public Optional<Response> replayToARevokedToken(ContainerRequestContext request, ResourceInfo route) throws IOException {
        Method method = route == null ? null : route.getResourceMethod();
        String key = request.getHeaderString(HEADER);
        if (method == null || !method.isAnnotationPresent(ReplayedAfterRevocation.class) || key == null
                || !KEY.matcher(key).matches() || !MUTATIONS.contains(request.getMethod())) {
            return Optional.empty();
        }
        Optional<Principal> revoked = caller.revokedPrincipal();
        if (revoked.isEmpty()) {
            return Optional.empty();
        }
        Pending pending = identify(request, route, "user:" + revoked.get().userId(), key);
        Optional<IdempotencyKeys.Claim.Replay> kept;
        try {
            kept = keys.kept(pending.pk(), pending.fingerprint());
        } catch (RuntimeException e) {
            throw new ServiceUnavailable("idempotency store unavailable", e);
        }
        return kept.map(IdempotencyFilter::replay);
    }

    @ServerRequestFilter(priority = Priorities.USER + 100)
    public Optional<Response> claim(ContainerRequestContext request, ResourceInfo route) throws IOException {
        String key = request.getHeaderString(HEADER);
        if (key == null || !MUTATIONS.contains(request.getMethod()) || answerNeverKept(route)) {
            return Optional.empty();
        }
        if (!KEY.matcher(key).matches()) {
            throw Problem.invalid("The Idempotency-Key header is invalid",
                    List.of(new Problem.FieldError(HEADER, "must be 1 to 255 visible ASCII characters")));
        }
        Pending pending = identify(request, route, subject(), key);
        String pk = pending.pk();
        String fingerprint = pending.fingerprint();
        IdempotencyKeys.Claim claim;
        try {
            claim = keys.claim(pk, fingerprint);
        } catch (RuntimeException e) {
            // Without the record the request could run twice: fail closed.
            throw new ServiceUnavailable("idempotency store unavailable", e);
        }
        return switch (claim) {
            case IdempotencyKeys.Claim.Won won -> {
                request.setProperty(PENDING, new Pending(pk, fingerprint));
                yield Optional.empty();
            }
            case IdempotencyKeys.Claim.Replay replay -> Optional.of(replay(replay));
            case IdempotencyKeys.Claim.InProgress busy -> throw new WebApplicationException("in progress",
                    Response.status(409).header(HttpHeaders.RETRY_AFTER, "1")
                            .entity(Problem.of(409, "conflict", "Conflict",
                                    "A request with this Idempotency-Key is still being processed; retry shortly", null, null))
                            .type(Problem.MEDIA_TYPE).build());
            case IdempotencyKeys.Claim.Mismatch mismatch -> throw keyReused();
        };
    }

    /**
     * The record's key (caller, method, route template, Idempotency-Key) and the request's fingerprint. Scoped by
     * the route template, not the raw path: /v1/posts and /v1/posts/ are one route, and a retry that spells the path
     * differently must find the first answer rather than do the work again. The path's values (which post, which
     * user) are part of the request, so of its fingerprint. Reads the body and puts it back for the route.
     */
    private Pending identify(ContainerRequestContext request, ResourceInfo route, String subject, String key) throws IOException {
        byte[] body = request.hasEntity() ? request.getEntityStream().readAllBytes() : new byte[0];
        request.setEntityStream(new ByteArrayInputStream(body));
        String template = RouteTemplates.of(route);
        String pathValues = json.writeValueAsString(new TreeMap<>(request.getUriInfo().getPathParameters()));
        String query = Optional.ofNullable(request.getUriInfo().getRequestUri().getRawQuery()).orElse("");
        String pk = subject + "|" + request.getMethod() + " " + template + "|" + key;
        return new Pending(pk, sha256(request.getMethod() + "\n" + template + "\n" + pathValues + "\n" + query + "\n", body));
    }

    private static Response replay(IdempotencyKeys.Claim.Replay replay) {
        Response.ResponseBuilder r = Response.status(replay.status()).header("Idempotent-Replayed", "true")
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (replay.body().length > 0) {
            r.entity(replay.body()).type(replay.contentType());
        }
        return r.build();
    }

    /** The contract's 422: this Idempotency-Key was used with a different request (also for a route's own check). */
    public static WebApplicationException keyReused() {
        return new WebApplicationException("mismatch",
                Response.status(422).entity(Problem.of(422, "idempotency-key-reused", "Unprocessable Content",
                        "This Idempotency-Key was used with a different request", null, null))
                        .type(Problem.MEDIA_TYPE).build());
    }

    /** The request's Idempotency-Key as this filter accepted it (valid, on a route that keeps answers); else empty. */
    public static Optional<String> acceptedKey(jakarta.ws.rs.core.HttpHeaders headers) {
        return Optional.ofNullable(headers.getHeaderString(HEADER)).filter(key -> KEY.matcher(key).matches());
    }

    /** Declared by the route's function ({@link AnswerNeverKept} on the method or its resource class). */
    static boolean answerNeverKept(ResourceInfo route) {
        Method method = route == null ? null : route.getResourceMethod();
        Class<?> resource = route == null ? null : route.getResourceClass();
        return (method != null && method.isAnnotationPresent(AnswerNeverKept.class))
                || (resource != null && resource.isAnnotationPresent(AnswerNeverKept.class));
    }

    @ServerResponseFilter
    public void complete(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(PENDING) instanceof Pending pending)) {
            return;
        }
        request.removeProperty(PENDING);
        int status = response.getStatus();
        try {
            if (status >= 500 || status == 429) {
                keys.release(pending.pk());
                return;
            }
            Object entity = response.getEntity();
            byte[] body = entity == null ? new byte[0]
                    : entity instanceof byte[] bytes ? bytes
                    : entity instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                    : json.writeValueAsBytes(entity);
            String contentType = response.getMediaType() == null ? null : response.getMediaType().toString();
            keys.complete(pending.pk(), pending.fingerprint(), status, contentType, body);
        } catch (Exception e) {
            // The work is done and answered; a retry within 30 s gets 409, later it runs again.
            LOG.warnf("idempotency record not completed: %s", e.getMessage());
        }
    }

    private String subject() {
        try {
            Optional<Principal> principal = caller.optional();
            if (principal.isPresent()) {
                return "user:" + principal.get().userId();
            }
            Optional<Integration> key = caller.integration();
            if (key.isPresent()) {
                return "apikey:" + key.get().keyId();
            }
        } catch (WebApplicationException invalidToken) {
            // Only on a route with an optional bearer (a protected one was refused before this filter): it answers the 401.
        }
        return "ip:" + caller.clientIp();
    }

    private static String sha256(String head, byte[] body) {
        return Sha256.hex(head.getBytes(StandardCharsets.UTF_8), body);
    }
}
