package io.paddock.shared.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RSA keys of the deployment, from a JWK set. The first key of the signing set signs; every key
 * (signing set and verification set) verifies, looked up by {@code kid}. Rotation: put the new key
 * first and keep the old one second until the last token it signed has expired, then drop it.
 */
public final class SigningKeys {

    private static final int MIN_BITS = 2048;

    private final Optional<RSAKey> current;
    private final Map<String, RSAKey> verifying;
    /** One verifier per key, made once: making one parses the key's modulus, which no request should pay for. */
    private final Map<String, JWSVerifier> verifiers;

    private SigningKeys(Optional<RSAKey> current, Map<String, RSAKey> verifying) {
        this.current = current;
        this.verifying = verifying;
        Map<String, JWSVerifier> made = new LinkedHashMap<>();
        verifying.forEach((kid, key) -> made.put(kid, verifierOf(key)));
        this.verifiers = Map.copyOf(made);
    }

    /** A verifier of {@code key}'s signatures (stateless, so one serves every thread). */
    static JWSVerifier verifierOf(RSAKey key) {
        try {
            return new RSASSAVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("key " + key.getKeyID() + " cannot verify signatures: " + e.getMessage(), e);
        }
    }

    /**
     * @param signingJwks      private keys, first = current (may be empty where the function only verifies)
     * @param verificationJwks public keys (may be empty when derived from the signing keys)
     * @throws IllegalArgumentException naming what is wrong with the key material
     */
    public static SigningKeys parse(Optional<String> signingJwks, Optional<String> verificationJwks) {
        Optional<RSAKey> current = Optional.empty();
        Map<String, RSAKey> verifying = new LinkedHashMap<>();
        if (signingJwks.filter(s -> !s.isBlank()).isPresent()) {
            List<RSAKey> keys = rsaKeys(signingJwks.get(), "paddock.auth.signing-keys");
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("paddock.auth.signing-keys holds no key");
            }
            if (!keys.get(0).isPrivate()) {
                throw new IllegalArgumentException("paddock.auth.signing-keys: the first key (" + keys.get(0).getKeyID()
                        + ") must include its private part: it signs");
            }
            current = Optional.of(keys.get(0));
            keys.forEach(k -> verifying.put(k.getKeyID(), k.toPublicJWK()));
        }
        if (verificationJwks.filter(s -> !s.isBlank()).isPresent()) {
            rsaKeys(verificationJwks.get(), "paddock.auth.verification-keys")
                    .forEach(k -> verifying.putIfAbsent(k.getKeyID(), k.toPublicJWK()));
        }
        if (verifying.isEmpty()) {
            throw new IllegalArgumentException(
                    "no token keys: set paddock.auth.signing-keys (env PADDOCK_AUTH_SIGNING_KEYS) or "
                            + "paddock.auth.verification-keys (env PADDOCK_AUTH_VERIFICATION_KEYS) to a JWK set");
        }
        return new SigningKeys(current, Map.copyOf(verifying));
    }

    private static List<RSAKey> rsaKeys(String json, String key) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException(key + " is not a JWK set: " + e.getMessage());
        }
        List<RSAKey> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (!(jwk instanceof RSAKey rsa)) {
                throw new IllegalArgumentException(key + ": key " + jwk.getKeyID() + " is not an RSA key");
            }
            if (rsa.getKeyID() == null || rsa.getKeyID().isBlank()) {
                throw new IllegalArgumentException(key + ": every key needs a kid");
            }
            if (rsa.size() < MIN_BITS) {
                throw new IllegalArgumentException(key + ": key " + rsa.getKeyID() + " has " + rsa.size()
                        + " bits; at least " + MIN_BITS + " are required");
            }
            keys.add(rsa);
        }
        return keys;
    }

    public Optional<RSAKey> current() {
        return current;
    }

    /** The verifier of the key {@code kid} names, made when the keys were read. */
    public Optional<JWSVerifier> verifier(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(verifiers.get(kid));
    }

    /** The public JWK set (current and previous keys) for GET /v1/auth/jwks.json. */
    public Map<String, Object> publicJwks() {
        List<JWK> keys = new ArrayList<>();
        current.ifPresent(k -> keys.add(k.toPublicJWK()));
        verifying.values().stream().filter(k -> current.map(c -> !c.getKeyID().equals(k.getKeyID())).orElse(true))
                .forEach(keys::add);
        return new JWKSet(keys).toJSONObject(true);
    }

    /** A fresh 2048-bit key with a random kid, as a one-key private JWK set (for local stacks and tests). */
    public static String generateJwks() {
        try {
            RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(MIN_BITS)
                    .keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE)
                    .algorithm(com.nimbusds.jose.JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true)
                    .generate();
            return new JWKSet(key).toString(false);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
