package io.paddock.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The identity providers of {@code POST /v1/auth/oidc/{provider}}: their issuers, where they publish their keys by
 * default, and how the app's nonce appears in their ID tokens.
 *
 * <p>Nonces. Apple's iOS and Android flows take a nonce and put its SHA-256 (lower-case hex) into the token; the app
 * keeps the raw nonce and sends it here, and only someone who knew it before the token existed can. Google puts
 * the nonce the app passed into the token unchanged, and the app sends that same value.
 */
public enum OidcProvider {

    APPLE("apple", Set.of("https://appleid.apple.com"), "https://appleid.apple.com/auth/keys") {
        @Override
        boolean nonceMatches(String claim, String presented) {
            return MessageDigest.isEqual(claim.getBytes(StandardCharsets.US_ASCII),
                    HexFormat.of().formatHex(sha256(presented)).getBytes(StandardCharsets.US_ASCII));
        }
    },
    GOOGLE("google", Set.of("https://accounts.google.com", "accounts.google.com"),
            "https://www.googleapis.com/oauth2/v3/certs") {
        @Override
        boolean nonceMatches(String claim, String presented) {
            return MessageDigest.isEqual(claim.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
        }
    };

    /** As in the path and in the tables (user_identities.provider). */
    final String id;
    final Set<String> issuers;
    final String defaultKeySetUrl;

    OidcProvider(String id, Set<String> issuers, String defaultKeySetUrl) {
        this.id = id;
        this.issuers = issuers;
        this.defaultKeySetUrl = defaultKeySetUrl;
    }

    /** Whether the token's nonce claim is the one the app sent (see the class comment). */
    abstract boolean nonceMatches(String claim, String presented);

    static Optional<OidcProvider> byId(String id) {
        for (OidcProvider p : values()) {
            if (p.id.equals(id)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    OidcSettings.Provider settings(OidcSettings settings) {
        return this == APPLE ? settings.apple() : settings.google();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
