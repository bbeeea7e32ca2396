package io.paddock.embedded;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID Connect provider for tests, in place of Apple or Google: RSA keys made here, their public JWK set served
 * from an HTTP server on 127.0.0.1 (nothing reaches the internet), and ID tokens signed with them. The set can rotate
 * (a new key replaces the old), be answered with a 500 (the provider is down), and counts the fetches it served.
 */
public final class StandInIdentityProvider implements AutoCloseable {

    private final String issuer;
    private final String clientId;
    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile RSAKey key = newKey();
    private volatile boolean down;
    private volatile String cacheControl = "public, max-age=3600";

    private StandInIdentityProvider(String issuer, String clientId) {
        this.issuer = issuer;
        this.clientId = clientId;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/keys", exchange -> {
            fetches.incrementAndGet();
            byte[] body = down ? "{\"error\":\"down\"}".getBytes(StandardCharsets.UTF_8)
                    : new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", cacheControl);
            exchange.sendResponseHeaders(down ? 500 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** A provider that signs as {@code issuer} for the app {@code clientId}. */
    public static StandInIdentityProvider start(String issuer, String clientId) {
        return new StandInIdentityProvider(issuer, clientId);
    }

    /** Where the key set is served. */
    public String keySetUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/keys";
    }

    public String clientId() {
        return clientId;
    }

    /** How many times the key set was asked for. */
    public int fetches() {
        return fetches.get();
    }

    /** A new signing key replaces the current one in the served set (the old one is gone from it). */
    public void rotate() {
        key = newKey();
    }

    /** While down, the key set is answered with a 500. */
    public void down(boolean down) {
        this.down = down;
    }

    public void cacheControl(String value) {
        this.cacheControl = value;
    }

    /** The claims of a valid ID token for {@code subject} with {@code nonce}, for a test to change before signing. */
    public JWTClaimsSet.Builder claims(String subject, String nonce) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).audience(clientId).subject(subject)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).claim("nonce", nonce);
    }

    /** Signed with the current key (RS256, its kid in the header). */
    public String sign(JWTClaimsSet.Builder claims) {
        return sign(claims, key);
    }

    /** Signed RS256 with any key, its kid in the header (another key: a bad signature or an unknown kid). */
    public static String sign(JWTClaimsSet.Builder claims, RSAKey with) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(),
                    claims.build());
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token with alg "none" and no signature. */
    public static String unsigned(JWTClaimsSet.Builder claims) {
        return new PlainJWT(claims.build()).serialize();
    }

    /** HS256 with the current key's public modulus as the secret: the classic key-confusion forgery. */
    public String hs256(JWTClaimsSet.Builder claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
                    claims.build());
            jwt.sign(new MACSigner(key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The current token with its signature replaced by another key's signature over the same content. */
    public String withForeignSignature(JWTClaimsSet.Builder claims) {
        String genuine = sign(claims);
        String forged = sign(claims, newKeyNamed(key.getKeyID()));
        return genuine.substring(0, genuine.lastIndexOf('.')) + forged.substring(forged.lastIndexOf('.'));
    }

    /** A key this provider never published. */
    public static RSAKey newKey() {
        return newKeyNamed(UUID.randomUUID().toString());
    }

    private static RSAKey newKeyNamed(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
