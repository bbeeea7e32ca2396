package io.paddock.local.snapshot;

import io.paddock.embedded.EmbeddedStores;
import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded stores, with PostgreSQL and Redis reached through a {@link StoreRelay} each, so a test can cut
 * the app's connections the way a SnapStart restore does. DynamoDB is reached directly: its client's
 * connections are the JDK's keep-alive cache, which ends them by the wall clock (see
 * {@code SnapshotHooks}), something a test on one machine's clock cannot cut faithfully.
 */
public class RelayedStores implements QuarkusTestResourceLifecycleManager {

    private static StoreRelay postgres;
    private static StoreRelay redis;

    static synchronized StoreRelay postgres() {
        return postgres;
    }

    static synchronized StoreRelay redis() {
        return redis;
    }

    @Override
    public synchronized Map<String, String> start() {
        EmbeddedStores stores = PaddockStoresTestResource.stores();
        Map<String, String> config = new LinkedHashMap<>(new PaddockStoresTestResource().start());
        URI database = URI.create(stores.databaseUrl());
        URI cache = URI.create(stores.redisUrl());
        postgres = new StoreRelay("postgres", database.getPort());
        redis = new StoreRelay("redis", cache.getPort());
        config.put("paddock.database.url", "postgres://" + database.getUserInfo() + "@127.0.0.1:" + postgres.port() + database.getPath());
        String redisUrl = "redis://127.0.0.1:" + redis.port();
        config.put("paddock.redis.url", redisUrl);
        config.put("quarkus.redis.hosts", redisUrl);
        return config;
    }

    @Override
    public synchronized void stop() {
        if (postgres != null) {
            postgres.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
