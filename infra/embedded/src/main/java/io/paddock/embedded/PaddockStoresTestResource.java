package io.paddock.embedded;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the embedded stores once per test JVM (not per test class) and points the function under
 * test at them. Tests reach the running stores through {@link #stores()} to stop or inspect them.
 */
public class PaddockStoresTestResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedStores stores;
    /** One key per test JVM: tokens minted by one test app verify in the next. */
    private static final String SIGNING_KEYS = io.paddock.shared.auth.SigningKeys.generateJwks();

    public static synchronized EmbeddedStores stores() {
        if (stores == null) {
            stores = EmbeddedStores.start(EmbeddedStores.Options.ephemeral());
            EmbeddedStores started = stores;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "paddock-stores-stop"));
        }
        return stores;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new LinkedHashMap<>(stores().configuration());
        config.put("paddock.env", "test");
        config.put("paddock.auth.signing-keys", SIGNING_KEYS);
        // Tests act as the edge: the right-most X-Forwarded-For entry is the client.
        config.put("paddock.http.trusted-forwarded-hops", "1");
        return config;
    }

    @Override
    public void stop() {
        // Kept for the next Quarkus app of this JVM; the shutdown hook stops the stores.
    }
}
