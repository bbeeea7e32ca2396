package io.paddock.shared.resilience;

import io.paddock.shared.observability.ObservabilitySettings;
import io.paddock.shared.observability.ServiceMetrics;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One breaker per store and container, shared by every piece that calls the store (the limiter and
 * the feed cache see one Redis), so an outage found by one spares the others the wait. Transitions
 * are logged and counted once; {@code /v1/health} shows the states. When a breaker opens and how it
 * closes (one trial request) is {@link StoreBreaker}'s to say.
 */
@ApplicationScoped
@Startup // with the EMF setup it pulls in: built at init (inside a SnapStart snapshot), not on the first request
public class StoreBreakers {

    private static final Logger LOG = Logger.getLogger(StoreBreakers.class);

    private final StoreBreaker redis;
    private final StoreBreaker postgres;
    private final StoreBreaker dynamodb;

    @Inject
    public StoreBreakers(ObservabilitySettings settings,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "paddock") String application,
            ServiceMetrics metrics) {
        this(settings.breakerOpenFor(),
                application.startsWith("paddock-") ? application.substring("paddock-".length()) : application, metrics);
    }

    public StoreBreakers(Duration openFor, String service, ServiceMetrics metrics) {
        if (openFor.compareTo(Duration.ofMillis(100)) < 0 || openFor.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalStateException("paddock.observability.breaker-open-for must be between 100ms and 1m, got "
                    + openFor);
        }
        StoreBreaker.Transitions transitions = (store, now, cause) -> {
            if (now == StoreBreaker.State.open) {
                LOG.warnf("%s failed (%s): its breaker is open, callers take their fallback or answer 503, and one"
                        + " request tries the store again every %d ms", store, failureKind(cause), openFor.toMillis());
            } else {
                LOG.infof("%s answers again: its breaker is closed", store);
            }
            metrics.breaker(service, store, now == StoreBreaker.State.open);
        };
        long millis = openFor.toMillis();
        this.redis = new StoreBreaker("redis", millis, System::currentTimeMillis, transitions);
        this.postgres = new StoreBreaker("postgres", millis, System::currentTimeMillis, transitions);
        this.dynamodb = new StoreBreaker("dynamodb", millis, System::currentTimeMillis, transitions);
    }

    /** The kind of failure only, from its root cause: messages can carry hosts and credentials. */
    public static String failureKind(Throwable e) {
        if (e == null) {
            return "no answer to a health probe";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String name = root.getClass().getSimpleName();
        if (name.contains("Timeout") || name.contains("TimedOut")) {
            return "timed out";
        }
        if (name.contains("Connect") || root instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return "unavailable (" + name + ")";
    }

    public StoreBreaker redis() {
        return redis;
    }

    public StoreBreaker postgres() {
        return postgres;
    }

    public StoreBreaker dynamodb() {
        return dynamodb;
    }
}
