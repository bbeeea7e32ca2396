package io.paddock.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.validation.SettingsConstraints;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sign-in settings as ConfigCheck holds them at start, and what a provider without client ids means. */
class OidcSettingsTest {

    record Provider(Optional<String> clientIds, Optional<String> jwksUrl) implements OidcSettings.Provider {
    }

    record Settings(Provider apple, Provider google, Duration keysCacheFloor, Duration keysCacheCeiling,
            Duration keysRefetchInterval, Duration keysFetchTimeout) implements OidcSettings {

        static Settings of(Provider apple, Provider google) {
            return new Settings(apple, google, Duration.ofMinutes(5), Duration.ofHours(24), Duration.ofSeconds(30),
                    Duration.ofSeconds(2));
        }
    }

    static final Provider OFF = new Provider(Optional.empty(), Optional.empty());

    @Test
    void theDefaultsPassAndTurnBothProvidersOff() {
        Settings settings = Settings.of(OFF, OFF);
        assertEquals(List.of(), SettingsConstraints.problems(OidcSettings.class, settings));
        OidcSignIn signIn = new OidcSignIn(settings, Duration.ofSeconds(60), InstantSource.system(), null, null, null, null);
        assertFalse(signIn.enabled("apple"));
        assertFalse(signIn.enabled("google"));
    }

    @Test
    void aProviderWithClientIdsIsOnAndTheOtherStaysOff() {
        OidcSignIn signIn = new OidcSignIn(Settings.of(OFF, new Provider(Optional.of("a.apps.googleusercontent.com, b"),
                Optional.empty())), Duration.ofSeconds(60), InstantSource.system(), null, null, null, null);
        assertTrue(signIn.enabled("google"));
        assertFalse(signIn.enabled("apple"));
        assertFalse(signIn.enabled("github"));
        assertEquals(List.of("a.apps.googleusercontent.com", "b"),
                new Provider(Optional.of(" a.apps.googleusercontent.com , b "), Optional.empty()).clientIdList());
    }

    @Test
    void keySetUrlsMustBeHttpsOrLocalAndClientIdsPlainNames() {
        for (String good : List.of("https://appleid.apple.com/auth/keys", "http://127.0.0.1:8123/keys",
                "http://localhost:9000/certs")) {
            assertEquals(List.of(), SettingsConstraints.problems(OidcSettings.class,
                    Settings.of(new Provider(Optional.of("dev.paddock.ios"), Optional.of(good)), OFF)), good);
        }
        for (String bad : List.of("http://appleid.apple.com/auth/keys", "ftp://localhost/keys", "https://", "keys.json",
                "http://localhost.evil.example/keys")) {
            List<String> problems = SettingsConstraints.problems(OidcSettings.class,
                    Settings.of(new Provider(Optional.of("dev.paddock.ios"), Optional.of(bad)), OFF));
            assertEquals(1, problems.size(), bad + ": " + problems);
            assertTrue(problems.get(0).startsWith("paddock.oidc.apple.jwks-url must be an https URL"), problems.get(0));
        }
        for (String bad : List.of("a b", "a,,b", "*", "id;drop")) {
            List<String> problems = SettingsConstraints.problems(OidcSettings.class,
                    Settings.of(OFF, new Provider(Optional.of(bad), Optional.empty())));
            assertEquals(1, problems.size(), bad + ": " + problems);
            assertTrue(problems.get(0).startsWith("paddock.oidc.google.client-ids must be client ids"), problems.get(0));
        }
    }

    @Test
    void keySetTimesAreHeldToTheirRanges() {
        Settings settings = new Settings(OFF, OFF, Duration.ofSeconds(5), Duration.ofDays(30), Duration.ZERO,
                Duration.ofMinutes(1));
        List<String> problems = SettingsConstraints.problems(OidcSettings.class, settings);
        assertEquals(4, problems.size(), problems.toString());
    }
}
