package io.paddock.shared.http;

import io.paddock.shared.config.InvalidConfigurationException;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.config.Secrets;
import io.paddock.shared.ids.Sha256;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Only CloudFront may call the functions: the distribution adds {@code X-Origin-Verify: <secret>} to every
 * request it forwards, and a request without a matching value — typically a call straight to the API
 * Gateway URL — is refused by {@link HttpConventions} before anything else looks at it.
 *
 * <p>Several secrets may be accepted at once so that one can be rotated without refusing traffic: add the
 * new value in front (functions accept both), switch CloudFront's header to it, then drop the old one.
 * Each secret may be a Secrets Manager ARN, read once at init.
 *
 * <p>How it compares: the presented value and every secret are hashed (SHA-256) and the digests compared
 * with {@link MessageDigest#isEqual}, against every secret without stopping at a match, so the time taken
 * tells nothing about how much of a guess was right or which secret matched. The lock compares
 * digests only; the secrets and the header's value are never logged.
 */
@Singleton
public class OriginLock {

    public static final String HEADER = "X-Origin-Verify";

    private final List<byte[]> accepted;
    /** The first secret, only for the requests the function sends itself (SnapStart priming). */
    private final Optional<String> current;

    @Inject
    public OriginLock(PaddockConfig config, Secrets secrets) {
        this(config.http().originSecrets().orElse(List.of()),
                value -> secrets.resolve(Optional.of(value)).orElse(""));
    }

    /**
     * @param resolve turns a Secrets Manager ARN into its secret (other values are given as they are)
     * @throws InvalidConfigurationException naming the secret by position and length, never by value
     */
    OriginLock(List<String> secrets, UnaryOperator<String> resolve) {
        List<String> problems = new ArrayList<>();
        List<byte[]> digests = new ArrayList<>();
        String first = null;
        for (int i = 0; i < secrets.size(); i++) {
            String configured = secrets.get(i).strip();
            if (configured.isEmpty()) {
                continue;
            }
            String secret = Secrets.isReference(configured) ? resolve.apply(configured).strip() : configured;
            if (secret.length() < PaddockConfig.Http.MIN_ORIGIN_SECRET_LENGTH) {
                problems.add("paddock.http.origin-secrets (env PADDOCK_HTTP_ORIGIN_SECRETS): secret " + (i + 1)
                        + (Secrets.isReference(configured) ? " (from Secrets Manager)" : "") + " has " + secret.length()
                        + " characters; each needs at least " + PaddockConfig.Http.MIN_ORIGIN_SECRET_LENGTH);
            }
            digests.add(sha256(secret));
            first = first == null ? secret : first;
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        this.accepted = List.copyOf(digests);
        this.current = Optional.ofNullable(first);
    }

    /**
     * The secret to present on a request this function sends to itself in-process (SnapStart priming, see
     * {@code snapshot.Priming}), so that it passes the lock like CloudFront's; empty when unlocked. Never
     * log it.
     */
    public Optional<String> currentSecret() {
        return current;
    }

    /** No secrets configured: every request passes (local stack, tests). */
    public boolean locked() {
        return !accepted.isEmpty();
    }

    /** Whether a request carrying {@code presented} in {@link #HEADER} (null: absent) may go on. */
    public boolean admits(String presented) {
        if (accepted.isEmpty()) {
            return true;
        }
        if (presented == null) {
            return false;
        }
        byte[] digest = sha256(presented);
        boolean match = false;
        for (byte[] secret : accepted) {
            match |= MessageDigest.isEqual(digest, secret);
        }
        return match;
    }

    private static byte[] sha256(String value) {
        return Sha256.digest(value);
    }
}
