package io.paddock.shared.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AccessTokensTest {

    private static final String ISSUER = "https://api.paddock.test";
    private static final String AUDIENCE = "paddock-api";
    private static final String CURRENT = SigningKeys.generateJwks();
    private static final String PREVIOUS = SigningKeys.generateJwks();
    private static final UUID USER = UUID.fromString("01900000-0000-7000-8000-000000000001");

    /** The denylist without Redis: what it is asked is what a set holds (RevokedTokensTest uses real Redis). */
    static final class InMemoryRevocations extends RevokedTokens {
        final Set<String> ids = new HashSet<>();
        final Set<String> families = new HashSet<>();

        InMemoryRevocations() {
            super(null, new io.paddock.shared.resilience.StoreBreakers(java.time.Duration.ofSeconds(2), "test",
                    new io.paddock.shared.observability.ServiceMetrics("Paddock")));
        }

        @Override
        public void revoke(String tokenId, String familyId, Instant expiresAt) {
            ids.add(tokenId);
        }

        @Override
        public void revokeFamily(String familyId, Instant lastExpiry) {
            families.add(familyId);
        }

        @Override
        public boolean isRevoked(String tokenId, String familyId) {
            return ids.contains(tokenId) || families.contains(familyId);
        }
    }

    private final InMemoryRevocations revocations = new InMemoryRevocations();

    private AccessTokens tokens(String signing, Clock clock) {
        return new AccessTokens(SigningKeys.parse(Optional.of(signing), Optional.empty()), revocations, ISSUER,
                AUDIENCE, Duration.ofMinutes(15), Duration.ofSeconds(60), clock);
    }

    private AccessTokens tokens() {
        return tokens(CURRENT, Clock.systemUTC());
    }

    private static RSAKey first(String jwks) throws Exception {
        return (RSAKey) JWKSet.parse(jwks).getKeys().get(0);
    }

    private static String sign(RSAKey key, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder validClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(USER.toString())
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600))).jwtID(UUID.randomUUID().toString())
                .claim("role", "user");
    }

    @Test
    void issuedTokenVerifiesWithItsClaims() {
        AccessTokens.Issued issued = tokens().issue(USER, "admin");
        Principal p = tokens().verify(issued.token());
        assertEquals(USER, p.userId());
        assertEquals("admin", p.role());
        assertEquals(issued.tokenId(), p.tokenId());
        assertEquals(900, issued.expiresInSeconds());
    }

    @Test
    void theSignInTimeTravelsAsAuthTimeAndComesBackOnThePrincipal() throws Exception {
        Instant signedIn = Instant.now().minus(Duration.ofMinutes(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String family = UUID.randomUUID().toString();
        AccessTokens.Issued issued = tokens().issue(USER, "user", family, signedIn);
        assertEquals(signedIn.getEpochSecond(), (long) SignedJWT.parse(issued.token()).getJWTClaimsSet().getLongClaim("auth_time"));
        Principal p = tokens().verify(issued.token());
        assertEquals(signedIn, p.authTime());
        assertTrue(p.signedInWithin(Duration.ofMinutes(5), Instant.now()));
        assertFalse(p.signedInWithin(Duration.ofMinutes(1), Instant.now()));
    }

    @Test
    void aTokenWithoutAuthTimeIsNeverARecentSignIn() {
        Principal p = tokens().verify(tokens().issue(USER, "user").token());
        assertEquals(null, p.authTime());
        assertFalse(p.signedInWithin(Duration.ofHours(1), Instant.now()));
    }

    @Test
    void anAuthTimeThatIsNotEpochSecondsIsRefused() throws Exception {
        RSAKey key = first(CURRENT);
        for (Object bad : new Object[] {"yesterday", -5L, 1.5d}) {
            String token = sign(key, key.getKeyID(), validClaims().claim("auth_time", bad).build());
            assertThrows(InvalidTokenException.class, () -> tokens().verify(token), String.valueOf(bad));
        }
    }

    @Test
    void aRevokedTokenIsRefusedButStillSaysWhoseItWas() {
        String family = UUID.randomUUID().toString();
        String token = tokens().issue(USER, "user", family, Instant.now()).token();
        revocations.revokeFamily(family, Instant.now().plusSeconds(900));
        RevokedTokenException refused = assertThrows(RevokedTokenException.class, () -> tokens().verify(token));
        assertEquals(USER, refused.principal().userId());
    }

    @Test
    void attackTokensAreAllRefused() throws Exception {
        RSAKey key = first(CURRENT);
        String kid = key.getKeyID();
        String valid = sign(key, kid, validClaims().build());
        String[] parts = valid.split("\\.");

        String none = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}") + "." + parts[1] + ".";

        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), validClaims().build());
        hs.sign(new MACSigner(key.toPublicJWK().toRSAPublicKey().getEncoded()));

        String tampered = parts[0] + "." + Base64URL.encode(validClaims().claim("role", "admin").build().toString()) + "." + parts[2];
        RSAKey stranger = first(SigningKeys.generateJwks());
        List<String> attacks = List.of(
                none,
                hs.serialize(),
                sign(key, "no-such-kid", validClaims().build()),
                sign(key, kid, validClaims().expirationTime(Date.from(Instant.now().minusSeconds(120))).build()),
                sign(key, kid, validClaims().notBeforeTime(Date.from(Instant.now().plusSeconds(300))).build()),
                sign(key, kid, validClaims().issuer("https://evil.example").build()),
                sign(key, kid, validClaims().audience("other-api").build()),
                tampered,
                sign(stranger, kid, validClaims().build()),
                sign(key, kid, validClaims().claim("role", "root").build()),
                sign(key, kid, validClaims().subject("not-a-uuid").build()),
                sign(key, kid, validClaims().claim("fid", "a}b{c").build()),
                sign(key, kid, validClaims().claim("fid", 42).build()),
                "garbage",
                "a.b.c",
                "",
                "x".repeat(10_000));
        for (String attack : attacks) {
            assertThrows(InvalidTokenException.class, () -> tokens().verify(attack),
                    "must refuse " + attack.substring(0, Math.min(60, attack.length())));
        }
        assertEquals(USER, tokens().verify(valid).userId(), "the untampered token itself is fine");
    }

    @Test
    void aPrimingTokenIsAcceptedOnlyWhileItsSignInIsOpen() {
        AccessTokens tokens = tokens();
        String token;
        try (AccessTokens.PrimingSignIn signIn = tokens.signInForPriming()) {
            token = signIn.token(Principal.USER);
            Principal principal = tokens.verify(token);
            assertEquals(AccessTokens.PRIMING_USER, principal.userId());
            assertEquals(Principal.USER, principal.role());
            assertThrows(IllegalStateException.class, tokens::signInForPriming, "one priming sign-in at a time");
        }
        assertThrows(InvalidTokenException.class, () -> tokens.verify(token), "a closed priming sign-in's token");
        try (AccessTokens.PrimingSignIn next = tokens.signInForPriming()) {
            assertThrows(InvalidTokenException.class, () -> tokens.verify(token), "the next priming key is another key");
            assertTrue(tokens.verify(next.token(Principal.ADMIN)).isAdmin());
        }
    }

    @Test
    void aPrimingSignInIsTrustedByNoOtherVerifierAndNeverPublished() {
        AccessTokens signer = tokens();
        AccessTokens elsewhere = tokens();
        try (AccessTokens.PrimingSignIn signIn = signer.signInForPriming()) {
            String token = signIn.token(Principal.ADMIN);
            assertThrows(InvalidTokenException.class, () -> elsewhere.verify(token), "another container's verifier");
            assertEquals(tokens().publicJwks(), signer.publicJwks(), "the JWKS lists the configured keys only");
            assertEquals(USER, signer.verify(signer.issue(USER, Principal.USER).token()).userId(), "real tokens still pass");
        }
    }

    @Test
    void aTokenOfAFamilyCarriesItsFamilyIdAndOthersNone() {
        String familyId = "01900000-0000-7000-8000-0000000000f1";
        assertEquals(familyId, tokens().verify(tokens().issue(USER, "user", familyId).token()).familyId());
        assertEquals(null, tokens().verify(tokens().issue(USER, "user").token()).familyId());
        assertThrows(IllegalArgumentException.class, () -> tokens().issue(USER, "user", "{slot}"));
    }

    @Test
    void leewayIsSixtySecondsEitherWay() throws Exception {
        RSAKey key = first(CURRENT);
        String justExpired = sign(key, key.getKeyID(),
                validClaims().expirationTime(Date.from(Instant.now().minusSeconds(30))).build());
        assertEquals(USER, tokens().verify(justExpired).userId());
        String soonValid = sign(key, key.getKeyID(),
                validClaims().notBeforeTime(Date.from(Instant.now().plusSeconds(30))).build());
        assertEquals(USER, tokens().verify(soonValid).userId());
    }

    @Test
    void revokedTokenIsRefused() {
        AccessTokens tokens = tokens();
        AccessTokens.Issued issued = tokens.issue(USER, "user");
        tokens.revoke(tokens.verify(issued.token()));
        assertThrows(InvalidTokenException.class, () -> tokens.verify(issued.token()));
        assertEquals(USER, tokens.verify(tokens.issue(USER, "user").token()).userId(), "other tokens stay valid");
    }

    @Test
    void previousKeyStillVerifiesUntilItIsRetired() throws Exception {
        String oldToken = tokens(PREVIOUS, Clock.systemUTC()).issue(USER, "user").token();
        String rotated = "{\"keys\":[" + jwkJson(CURRENT) + "," + jwkJson(PREVIOUS) + "]}";
        AccessTokens afterRotation = tokens(rotated, Clock.systemUTC());
        assertEquals(USER, afterRotation.verify(oldToken).userId(), "old sessions survive the rotation");
        String newToken = afterRotation.issue(USER, "user").token();
        assertEquals(first(CURRENT).getKeyID(), kidOf(newToken), "the new key signs");

        AccessTokens retired = tokens(CURRENT, Clock.systemUTC());
        assertThrows(InvalidTokenException.class, () -> retired.verify(oldToken));
        assertEquals(USER, retired.verify(newToken).userId());
        assertEquals(2, ((List<?>) afterRotation.publicJwks().get("keys")).size());
        assertFalse(afterRotation.publicJwks().toString().contains("\"d\""), "no private parts published");
    }

    @Test
    void tokensFromTheFutureOrPastClockAreJudgedByTheVerifiersClock() {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        String issuedAnHourAgo = tokens(CURRENT, past).issue(USER, "user").token();
        assertThrows(InvalidTokenException.class, () -> tokens().verify(issuedAnHourAgo));
    }

    @Test
    void clientAddressTrustsOnlyTheConfiguredHops() {
        assertEquals("10.0.0.1", ClientAddress.resolve("10.0.0.1", List.of("6.6.6.6"), 0));
        assertEquals("203.0.113.9", ClientAddress.resolve("10.0.0.1", List.of("6.6.6.6, 203.0.113.9"), 1));
        assertEquals("6.6.6.6", ClientAddress.resolve("10.0.0.1", List.of("6.6.6.6, 203.0.113.9"), 2));
        assertEquals("10.0.0.1", ClientAddress.resolve("10.0.0.1", List.of("203.0.113.9"), 2));
        assertEquals("10.0.0.1", ClientAddress.resolve("10.0.0.1", List.of("<script>"), 1));
        assertEquals("2001:db8::1", ClientAddress.resolve("10.0.0.1", List.of("2001:DB8::1"), 1));
    }

    @Test
    void oneClientIsOneSpellingOfItsAddress() {
        assertEquals("2001:db8::1", ClientAddress.normalise("2001:db8:0::1"));
        assertEquals("192.0.2.7", ClientAddress.normalise("::ffff:192.0.2.7"));
        assertEquals("192.0.2.7", ClientAddress.resolve("::ffff:192.0.2.7", List.of(), 0));
        for (String notAnAddress : new String[] {"999.1.1.1", "1.2.3", "localhost", "example.com", "1.2.3.4.5", "::g", ""}) {
            assertEquals(null, ClientAddress.normalise(notAnAddress), notAnAddress);
        }
    }

    private static String jwkJson(String jwks) {
        try {
            return first(jwks).toJSONString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String kidOf(String token) {
        try {
            return SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void keyMaterialProblemsAreNamed() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SigningKeys.parse(Optional.of("{\"keys\":[" + first(CURRENT).toPublicJWK().toJSONString() + "]}"), Optional.empty()));
        assertTrue(e.getMessage().contains("private"), e.getMessage());
    }
}
