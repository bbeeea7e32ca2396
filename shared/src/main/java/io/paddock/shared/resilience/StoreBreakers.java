package io.paddock.shared.resilience;

import io.paddock.shared.observability.ObservabilitySettings;
import io.paddock.shared.observability.ServiceMetrics;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One breaker per store and container, shared by every piece that calls the store (the limiter and
 * the feed cache see one Redis), so an outage found by one spares the others the wait. Transitions
 * are logged and counted once; {@code /v1/health} shows the states.
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
        StoreBreaker.Transitions transitions = (store, now) -> {
            if (now == StoreBreaker.State.open) {
                LOG.warnf("%s failed: its breaker is open, calls skip it for %d ms at a time", store, openFor.toMillis());
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

    public StoreBreaker redis() {
        return redis;
    }

    public StoreBreaker postgres() {
        return postgres;
    }

    public StoreBreaker dynamodb() {
        return dynamodb;
    }

    public Map<String, StoreBreaker.State> states() {
        Map<String, StoreBreaker.State> states = new LinkedHashMap<>();
        for (StoreBreaker b : new StoreBreaker[] {postgres, redis, dynamodb}) {
            states.put(b.store(), b.state());
        }
        return states;
    }
}
