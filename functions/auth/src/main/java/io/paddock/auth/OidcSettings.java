package io.paddock.auth;

import io.paddock.shared.validation.DurationRange;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Sign in with Apple and Google (env PADDOCK_OIDC_APPLE_CLIENT_IDS, PADDOCK_OIDC_APPLE_JWKS_URL,
 * PADDOCK_OIDC_GOOGLE_CLIENT_IDS, PADDOCK_OIDC_GOOGLE_JWKS_URL, PADDOCK_OIDC_KEYS_CACHE_FLOOR, …_CEILING,
 * PADDOCK_OIDC_KEYS_REFETCH_INTERVAL, PADDOCK_OIDC_KEYS_FETCH_TIMEOUT); checked at start by ConfigCheck. A provider
 * without client ids is off: its route answers 404.
 */
@ConfigMapping(prefix = "paddock.oidc")
public interface OidcSettings {

    /** One client id, or several separated by commas: letters, digits, dot, hyphen, underscore. */
    String CLIENT_IDS = "^ *[A-Za-z0-9][A-Za-z0-9._-]{0,199}( *, *[A-Za-z0-9][A-Za-z0-9._-]{0,199})* *$";
    /** https, or plain http to this machine only (a test's or a developer's stand-in for the provider). */
    String KEY_SET_URL = "^(https://[A-Za-z0-9.-]+|http://(localhost|127\\.0\\.0\\.1|\\[::1\\]))(:[0-9]{1,5})?(/[!-~]*)?$";

    Provider apple();

    Provider google();

    /**
     * The shortest time a fetched key set is used before it is fetched again, whatever its Cache-Control says
     * (also the time used when it says nothing).
     */
    @WithDefault("5m")
    @DurationRange(min = "PT1M", max = "PT24H", message = "must be between 1 minute and 24 hours")
    Duration keysCacheFloor();

    /** The longest time a fetched key set is used before it is fetched again, whatever its max-age says. */
    @WithDefault("24h")
    @DurationRange(min = "PT1M", max = "P7D", message = "must be between 1 minute and 7 days")
    Duration keysCacheCeiling();

    /**
     * At most one fetch per provider per container within this time, besides the one that replaces an expired set:
     * a token naming a key the set does not have (the provider rotated) triggers one, and a stream of made-up key ids
     * cannot make this function a request amplifier against the provider.
     */
    @WithDefault("30s")
    @DurationRange(min = "PT1S", max = "PT1H", message = "must be between 1 second and 1 hour")
    Duration keysRefetchInterval();

    /** Connect and read timeout each, of one key-set fetch. */
    @WithDefault("2s")
    @DurationRange(min = "PT0.1S", max = "PT10S", message = "must be between 100 milliseconds and 10 seconds")
    Duration keysFetchTimeout();

    interface Provider {

        /** The app's client ids the ID token's aud must name (Apple: bundle or services ids; Google: OAuth client ids). */
        @Pattern(regexp = CLIENT_IDS, message = "must be client ids separated by commas")
        Optional<String> clientIds();

        /** Where the provider publishes its signing keys (a JWK set); unset: the provider's own ({@link OidcProvider}). */
        @Pattern(regexp = KEY_SET_URL, message = "must be an https URL (http only to localhost)")
        Optional<String> jwksUrl();

        /** The configured client ids, split; empty when the provider is off. */
        default List<String> clientIdList() {
            return clientIds().map(ids -> Arrays.stream(ids.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                    .orElse(List.of());
        }
    }
}
