package io.paddock.auth;

import static io.paddock.auth.AuthApi.PROBLEM;
import static io.paddock.auth.AuthApi.newIp;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Forged and broken bearer tokens against GET /v1/auth/me: each one is a 401 problem with
 * {@code WWW-Authenticate: Bearer error="invalid_token"}, and the same claims signed properly pass —
 * so each case fails for the one reason it names.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class JwtAttackTest {

    private static AuthApi.Account victim;
    private static RSAKey key;

    /** Lazily: the HTTP port is known only once the app runs, after static initialisation. */
    private static synchronized void signingKeyAndAccount() throws Exception {
        if (victim == null) {
            String jwks = ConfigProvider.getConfig().getValue("paddock.auth.signing-keys", String.class);
            key = (RSAKey) JWKSet.parse(jwks).getKeys().get(0);
            victim = AuthApi.register();
        }
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ConfigProvider.getConfig().getValue("paddock.auth.issuer", String.class))
                .audience(ConfigProvider.getConfig().getValue("paddock.auth.audience", String.class))
                .subject(victim.id())
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString())
                .claim("role", "admin");
    }

    private static String rs256(RSAKey signer, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT)
                .build(), claims);
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    /** The attacks (a JUnit source evaluates outside the running app, so tokens are built in the test). */
    enum Attack {
        ALG_NONE, ALG_NONE_WITHOUT_SIGNATURE_PART, HS256_SIGNED_WITH_THE_RSA_PUBLIC_KEY, UNKNOWN_KID, NO_KID, EXPIRED,
        NBF_IN_THE_FUTURE, WRONG_ISS, WRONG_AUD, PAYLOAD_TAMPERED_AFTER_SIGNING, SIGNED_BY_ANOTHER_RSA_KEY_WITH_A_KNOWN_KID,
        GARBAGE, THREE_GARBAGE_SEGMENTS, EMPTY, WHITESPACE, LONG_GARBAGE
    }

    private static String token(Attack attack) throws Exception {
        String kid = key.getKeyID();
        return switch (attack) {
            case ALG_NONE -> algNone() + ".";
            case ALG_NONE_WITHOUT_SIGNATURE_PART -> algNone();
            case HS256_SIGNED_WITH_THE_RSA_PUBLIC_KEY -> {
                // The classic confusion: the RSA public key (as published in the JWKS) used as an HMAC secret.
                SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
                        claims().build());
                hs256.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
                yield hs256.serialize();
            }
            case UNKNOWN_KID -> rs256(key, "no-such-kid", claims().build());
            case NO_KID -> rs256(key, null, claims().build());
            case EXPIRED -> rs256(key, kid, claims().expirationTime(Date.from(Instant.now().minusSeconds(120))).build());
            case NBF_IN_THE_FUTURE -> rs256(key, kid,
                    claims().notBeforeTime(Date.from(Instant.now().plusSeconds(300))).build());
            case WRONG_ISS -> rs256(key, kid, claims().issuer("https://evil.example").build());
            case WRONG_AUD -> rs256(key, kid, claims().audience("another-api").build());
            case PAYLOAD_TAMPERED_AFTER_SIGNING -> {
                String[] parts = rs256(key, kid, claims().build()).split("\\.");
                yield parts[0] + "." + Base64URL.encode(claims().subject(UUID.randomUUID().toString()).build()
                        .toString()) + "." + parts[2];
            }
            case SIGNED_BY_ANOTHER_RSA_KEY_WITH_A_KNOWN_KID ->
                    rs256(new RSAKeyGenerator(2048).keyID(kid).generate(), kid, claims().build());
            case GARBAGE -> "garbage";
            case THREE_GARBAGE_SEGMENTS -> "a.b.c";
            case EMPTY -> "";
            case WHITESPACE -> "   ";
            case LONG_GARBAGE -> "x".repeat(7000); // under the 8 KiB header limit of the HTTP layer (431 above it)
        };
    }

    private static String algNone() throws Exception {
        String payload = rs256(key, key.getKeyID(), claims().build()).split("\\.")[1];
        return Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + key.getKeyID() + "\",\"typ\":\"JWT\"}") + "."
                + payload;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Attack.class)
    void forgedOrBrokenTokenIs401InvalidToken(Attack attack) throws Exception {
        signingKeyAndAccount();
        given().header("X-Forwarded-For", newIp()).header("Authorization", "Bearer " + token(attack))
                .when().get("/v1/auth/me")
                .then().statusCode(401)
                .contentType(PROBLEM)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .body("type", containsString("/problems/unauthorized"))
                .body("status", equalTo(401));
    }

    @Test
    void missingOrNonBearerAuthorizationIs401Too() {
        given().when().get("/v1/auth/me").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        given().header("Authorization", "Basic YWRhOnBhc3N3b3Jk").when().get("/v1/auth/me").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        given().header("Authorization", "Bearer").when().get("/v1/auth/me").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    /** The control: the very claims of the attacks, signed properly, are accepted (so each attack fails for its flaw). */
    @Test
    void theSameClaimsProperlySignedAreAccepted() throws Exception {
        signingKeyAndAccount();
        given().header("X-Forwarded-For", newIp()).auth().oauth2(rs256(key, key.getKeyID(), claims().build()))
                .when().get("/v1/auth/me")
                .then().statusCode(200).body("user.id", equalTo(victim.id()));
    }
}
