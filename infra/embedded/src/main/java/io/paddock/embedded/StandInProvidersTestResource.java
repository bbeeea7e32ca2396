package io.paddock.embedded;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Sign in with Apple and Google against stand-ins ({@link StandInIdentityProvider}), started once per test JVM: the
 * app under test takes their key-set URLs and client ids as its configuration (paddock.oidc.*).
 */
public class StandInProvidersTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String APPLE_CLIENT_ID = "dev.paddock.ios";
    public static final String GOOGLE_CLIENT_ID = "1234-paddock.apps.googleusercontent.com";

    private static StandInIdentityProvider apple;
    private static StandInIdentityProvider google;

    public static synchronized StandInIdentityProvider apple() {
        if (apple == null) {
            apple = StandInIdentityProvider.start("https://appleid.apple.com", APPLE_CLIENT_ID);
        }
        return apple;
    }

    public static synchronized StandInIdentityProvider google() {
        if (google == null) {
            google = StandInIdentityProvider.start("https://accounts.google.com", GOOGLE_CLIENT_ID);
        }
        return google;
    }

    @Override
    public Map<String, String> start() {
        // A second client id on each: aud may name any of the app's ids.
        return Map.of("paddock.oidc.apple.client-ids", "dev.paddock.web, " + APPLE_CLIENT_ID,
                "paddock.oidc.apple.jwks-url", apple().keySetUrl(),
                "paddock.oidc.google.client-ids", GOOGLE_CLIENT_ID,
                "paddock.oidc.google.jwks-url", google().keySetUrl());
    }

    @Override
    public void stop() {
        // Kept for the next Quarkus app of this JVM, as the stores are.
    }
}
