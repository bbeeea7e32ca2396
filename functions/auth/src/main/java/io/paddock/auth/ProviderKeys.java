package io.paddock.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One provider's published signing keys (its JWK set), as this container last fetched them.
 *
 * <p>How it works: the first sign-in fetches the set; it is used until its Cache-Control max-age runs out (held
 * between a floor and a ceiling; the floor when the provider says nothing), then the next sign-in fetches it
 * again. A token naming a key id the set does not have (the provider rotated its keys since) fetches it at once —
 * but at most once per refetch interval, counted from the last fetch of any kind, so a stream of tokens with
 * made-up key ids costs the provider one request per interval, not one per token. Only RSA keys meant for
 * signatures are kept.
 *
 * <p>Hazards. Each fetch is bounded: connect and read timeouts, no redirects, a size cap ({@link #MAX_BYTES}); a
 * fetch that fails keeps the set already held, even past its time (a provider's keys live for months; refusing
 * every sign-in while its key endpoint hiccups would be worse), and only without any set is the provider
 * {@link Unreachable} — a 503, and again at most one attempt per interval. One fetch at a time: a sign-in
 * waits for another's fetch rather than starting its own (the methods are synchronized; a Lambda container
 * serves one request at a time anyway).
 */
final class ProviderKeys {

    private static final Logger LOG = Logger.getLogger(ProviderKeys.class);

    /**
     * The most a key set may weigh. Apple's and Google's are 1–2 KB (two or three RSA keys); 64 KiB leaves room for
     * many more keys and stops a misconfigured URL from streaming something large into the function's memory.
     */
    static final int MAX_BYTES = 64 * 1024;
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})\"?");

    /** No key set could be had: the provider (or the way to it) is down. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final URI url;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration floor;
    private final Duration ceiling;
    private final Duration refetchInterval;
    private final InstantSource clock;

    private JWKSet keys;
    private Instant freshUntil = Instant.MIN;
    private Instant lastAttempt;
    private long fetches;

    ProviderKeys(URI url, Duration timeout, Duration floor, Duration ceiling, Duration refetchInterval, InstantSource clock) {
        this.url = url;
        this.timeout = timeout;
        this.floor = floor;
        this.ceiling = ceiling.compareTo(floor) < 0 ? floor : ceiling;
        this.refetchInterval = refetchInterval;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The signing key named {@code kid}, or empty when the set has none by that name even after the refetch this
     * lookup was allowed.
     */
    synchronized Optional<RSAKey> key(String kid) throws Unreachable {
        Instant now = clock.instant();
        if (keys == null || now.isAfter(freshUntil)) {
            fetchIfAllowed(now);
            if (keys == null) {
                throw new Unreachable("no key set from " + url);
            }
        }
        Optional<RSAKey> found = find(kid);
        if (found.isEmpty() && fetchIfAllowed(now)) {
            found = find(kid);
        }
        return found;
    }

    /** How many fetches were attempted, successful or not (tests: the rotation and the refetch limit). */
    synchronized long fetches() {
        return fetches;
    }

    private Optional<RSAKey> find(String kid) {
        if (kid == null) {
            return Optional.empty();
        }
        JWK key = keys.getKeyByKeyId(kid);
        if (key instanceof RSAKey rsa && (key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()))) {
            return Optional.of(rsa);
        }
        return Optional.empty();
    }

    /** Fetches unless the last attempt was within the refetch interval; whether a new set came. */
    private boolean fetchIfAllowed(Instant now) {
        if (lastAttempt != null && now.isBefore(lastAttempt.plus(refetchInterval))) {
            return false;
        }
        lastAttempt = now;
        fetches++;
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new IOException("key set larger than " + MAX_BYTES + " bytes");
                }
                body = new String(bytes, StandardCharsets.UTF_8);
            }
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            JWKSet fetched = JWKSet.parse(body);
            keys = fetched;
            freshUntil = now.plus(lifetime(response.headers().firstValue("Cache-Control").orElse("")));
            return true;
        } catch (IOException | ParseException e) {
            LOG.warnf("key set from %s not fetched (%s): %s", url, e.getClass().getSimpleName(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** max-age held between the floor and the ceiling; the floor when there is none. */
    Duration lifetime(String cacheControl) {
        Matcher m = MAX_AGE.matcher(cacheControl.toLowerCase(java.util.Locale.ROOT));
        if (!m.find()) {
            return floor;
        }
        Duration said = Duration.ofSeconds(Long.parseLong(m.group(1)));
        return said.compareTo(floor) < 0 ? floor : said.compareTo(ceiling) > 0 ? ceiling : said;
    }
}
