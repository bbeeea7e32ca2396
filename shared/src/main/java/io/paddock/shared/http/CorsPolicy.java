package io.paddock.shared.http;

import io.paddock.shared.config.PaddockConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which browser origins may call the API. Only configured origins are ever echoed back; {@code *} is
 * never sent. In local mode any http://localhost or http://127.0.0.1 port is allowed too, so a web app's
 * dev server works against {@code ./paddock local} without setup.
 */
@ApplicationScoped
public class CorsPolicy {

    public static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
    public static final String ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Request-Id";
    public static final String EXPOSED_HEADERS = "ETag, Retry-After, X-Request-Id, X-RateLimit-Limit, "
            + "X-RateLimit-Remaining, X-RateLimit-Reset, RateLimit, RateLimit-Policy";

    private static final Pattern LOCAL_ORIGIN = Pattern.compile("http://(localhost|127\\.0\\.0\\.1)(:\\d{1,5})?");

    private final Set<String> origins;
    private final boolean localMode;
    private final int maxAgeSeconds;

    @jakarta.inject.Inject
    public CorsPolicy(PaddockConfig config) {
        this(config.http().corsOrigins().orElse(List.of()), config.localMode(), config.http().corsMaxAgeSeconds());
    }

    public CorsPolicy(List<String> origins, boolean localMode, int maxAgeSeconds) {
        this.origins = Set.copyOf(origins.stream().map(String::trim).filter(s -> !s.isEmpty()).toList());
        this.localMode = localMode;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    public boolean allows(String origin) {
        return origin != null && (origins.contains(origin) || localMode && LOCAL_ORIGIN.matcher(origin).matches());
    }

    public int maxAgeSeconds() {
        return maxAgeSeconds;
    }
}
