package io.paddock.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import io.paddock.embedded.StandInIdentityProvider;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ID tokens checked against a stand-in provider's key set, served from 127.0.0.1: what is refused and why, and how
 * the key set is fetched, cached, refetched on rotation and limited. The verifier's clock is the test's, so time
 * moves only when a test moves it; the provider counts the fetches it served.
 */
class IdTokenVerificationTest {

    static final Duration REFETCH = Duration.ofSeconds(30);
    static final Duration SKEW = Duration.ofSeconds(60);

    /** A clock the test moves. */
    static final class TestClock implements InstantSource {
        Instant now = Instant.now();

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    final StandInIdentityProvider google = StandInIdentityProvider.start("https://accounts.google.com", "google-app");
    final TestClock clock = new TestClock();
    final ProviderKeys keys = new ProviderKeys(URI.create(google.keySetUrl()), Duration.ofSeconds(2),
            Duration.ofMinutes(5), Duration.ofHours(24), REFETCH, clock);
    final IdTokenVerifier verifier = new IdTokenVerifier(OidcProvider.GOOGLE, List.of("web-app", "google-app"), keys,
            SKEW, clock);

    @AfterEach
    void stopTheProvider() {
        google.close();
    }

    @Test
    void aValidIdTokenSaysWhoTheUserIsAndFetchesTheKeySetOnce() throws Exception {
        JWTClaimsSet.Builder claims = google.claims("sub-1", "nonce-of-sixteen-chars").claim("email", "ada@example.com")
                .claim("email_verified", true);
        IdTokenVerifier.Verified verified = verifier.verify(google.sign(claims), "nonce-of-sixteen-chars");
        assertEquals("sub-1", verified.subject());
        assertEquals("ada@example.com", verified.email().orElseThrow());
        assertTrue(verified.emailVerified());
        verifier.verify(google.sign(google.claims("sub-2", "another-nonce-value")), "another-nonce-value");
        assertEquals(1, google.fetches(), "the second token is checked against the cached set");
    }

    @Test
    void aTokenForAnotherAppIsRefusedForItsAudience() {
        assertRefused("audience", google.sign(google.claims("s", "nonce-nonce-nonce").audience("someone-else")),
                "nonce-nonce-nonce");
    }

    @Test
    void aTokenForSeveralAudiencesMustNameThisAppAsItsAuthorizedParty() throws Exception {
        List<String> both = List.of("google-app", "another-app");
        assertRefused("authorized party (azp)", google.sign(google.claims("s", "nonce-nonce-nonce").audience(both)),
                "nonce-nonce-nonce");
        assertRefused("authorized party (azp)", google.sign(google.claims("s", "nonce-nonce-nonce").audience(both)
                .claim("azp", "another-app")), "nonce-nonce-nonce");
        verifier.verify(google.sign(google.claims("s", "nonce-nonce-nonce").audience(both).claim("azp", "web-app")),
                "nonce-nonce-nonce");
    }

    @Test
    void withOneAudienceTheAuthorizedPartyMayBeAnotherClientOfTheSameApp() throws Exception {
        // Google's Android sign-in: aud is the server's client id, azp the Android client id, not configured here.
        verifier.verify(google.sign(google.claims("s", "nonce-nonce-nonce").claim("azp", "android-client")),
                "nonce-nonce-nonce");
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() {
        assertRefused("issuer", google.sign(google.claims("s", "nonce-nonce-nonce").issuer("https://evil.example")),
                "nonce-nonce-nonce");
    }

    @Test
    void anExpiredTokenIsRefusedOnceTheClockSkewIsPast() throws Exception {
        JWTClaimsSet.Builder claims = google.claims("s", "nonce-nonce-nonce")
                .expirationTime(Date.from(clock.now.minusSeconds(30)));
        verifier.verify(google.sign(claims), "nonce-nonce-nonce"); // within the 60 s skew
        clock.advance(Duration.ofSeconds(31));
        assertRefused("expired", google.sign(claims), "nonce-nonce-nonce");
    }

    @Test
    void aTokenIssuedInTheFutureIsRefused() {
        assertRefused("issue time", google.sign(google.claims("s", "nonce-nonce-nonce")
                .issueTime(Date.from(clock.now.plusSeconds(120)))), "nonce-nonce-nonce");
    }

    @Test
    void aTokenWithoutSubjectOrNonceIsRefused() {
        assertRefused("subject", google.sign(google.claims(null, "nonce-nonce-nonce")), "nonce-nonce-nonce");
        assertRefused("no nonce", google.sign(google.claims("s", null)), "nonce-nonce-nonce");
    }

    @Test
    void aNonceOtherThanTheTokensIsRefused() {
        assertRefused("nonce does not match", google.sign(google.claims("s", "nonce-nonce-nonce")), "nonce-nonce-other");
    }

    @Test
    void appleTakesTheRawNonceWhoseSha256IsInTheToken() throws Exception {
        StandInIdentityProvider apple = StandInIdentityProvider.start("https://appleid.apple.com", "ios-app");
        try {
            IdTokenVerifier appleVerifier = new IdTokenVerifier(OidcProvider.APPLE, List.of("ios-app"),
                    new ProviderKeys(URI.create(apple.keySetUrl()), Duration.ofSeconds(2), Duration.ofMinutes(5),
                            Duration.ofHours(24), REFETCH, clock), SKEW, clock);
            String raw = "raw-nonce-the-app-kept";
            String hashed = HexFormat.of().formatHex(OidcProvider.sha256(raw));
            JWTClaimsSet.Builder claims = apple.claims("apple-sub", hashed).claim("email_verified", "true")
                    .claim("email", "x@privaterelay.appleid.com");
            IdTokenVerifier.Verified verified = appleVerifier.verify(apple.sign(claims), raw);
            assertTrue(verified.emailVerified(), "Apple's string \"true\" is a verified address");
            // The hash itself is in the token for anyone holding it to read: it is not the proof.
            IdTokenVerifier.Refused refused = assertThrows(IdTokenVerifier.Refused.class,
                    () -> appleVerifier.verify(apple.sign(claims), hashed));
            assertTrue(refused.getMessage().contains("nonce does not match"), refused.getMessage());
        } finally {
            apple.close();
        }
    }

    @Test
    void algNoneAndHs256AreRefusedByName() {
        JWTClaimsSet.Builder claims = google.claims("s", "nonce-nonce-nonce");
        assertRefused("algorithm none", StandInIdentityProvider.unsigned(claims), "nonce-nonce-nonce");
        assertRefused("algorithm HS256", google.hs256(claims), "nonce-nonce-nonce");
        assertEquals(0, google.fetches(), "refused before any key is looked up");
    }

    @Test
    void aSignatureByAnotherKeyUnderThePublishedKidIsRefused() {
        assertRefused("signature does not verify", google.withForeignSignature(google.claims("s", "nonce-nonce-nonce")),
                "nonce-nonce-nonce");
    }

    @Test
    void anUnknownKidFetchesTheSetOnceAndThenNotAgainWithinTheInterval() throws Exception {
        verifier.verify(google.sign(google.claims("s", "nonce-nonce-nonce")), "nonce-nonce-nonce");
        assertEquals(1, google.fetches());
        clock.advance(REFETCH);
        String unknown = StandInIdentityProvider.sign(google.claims("s", "nonce-nonce-nonce"), StandInIdentityProvider.newKey());
        assertRefused("does not publish", unknown, "nonce-nonce-nonce");
        assertEquals(2, google.fetches(), "the unknown kid fetched the set once");
        for (int i = 0; i < 5; i++) {
            assertRefused("does not publish", StandInIdentityProvider.sign(google.claims("s", "nonce-nonce-nonce"),
                    StandInIdentityProvider.newKey()), "nonce-nonce-nonce");
        }
        assertEquals(2, google.fetches(), "made-up kids within the interval fetch nothing");
        clock.advance(REFETCH);
        assertRefused("does not publish", unknown, "nonce-nonce-nonce");
        assertEquals(3, google.fetches(), "after the interval, one more");
    }

    @Test
    void aRotatedKeySignsInAfterOneRefetch() throws Exception {
        verifier.verify(google.sign(google.claims("s", "nonce-nonce-nonce")), "nonce-nonce-nonce");
        google.rotate();
        clock.advance(REFETCH);
        verifier.verify(google.sign(google.claims("s", "nonce-nonce-nonce")), "nonce-nonce-nonce");
        assertEquals(2, google.fetches());
    }

    @Test
    void withoutAnyKeySetTheProviderIsUnreachableAndAskedAtMostOncePerInterval() throws Exception {
        google.down(true);
        String token = google.sign(google.claims("s", "nonce-nonce-nonce"));
        assertThrows(ProviderKeys.Unreachable.class, () -> verifier.verify(token, "nonce-nonce-nonce"));
        assertThrows(ProviderKeys.Unreachable.class, () -> verifier.verify(token, "nonce-nonce-nonce"));
        assertEquals(1, google.fetches());
        google.down(false);
        clock.advance(REFETCH);
        verifier.verify(token, "nonce-nonce-nonce");
        assertEquals(2, google.fetches());
    }

    @Test
    void aSetPastItsTimeIsKeptWhileTheProviderIsDown() throws Exception {
        verifier.verify(google.sign(google.claims("s", "nonce-nonce-nonce")), "nonce-nonce-nonce");
        google.down(true);
        clock.advance(Duration.ofHours(2)); // past max-age=3600
        verifier.verify(google.sign(google.claims("s", "nonce-nonce-nonce").issueTime(Date.from(clock.now))
                .expirationTime(Date.from(clock.now.plusSeconds(600)))), "nonce-nonce-nonce");
        assertEquals(2, google.fetches(), "it tried, failed, and used the set it had");
    }

    @Test
    void theSetIsFetchedAgainWhenItsMaxAgeRunsOut() throws Exception {
        verifier.verify(google.sign(google.claims("s", "nonce-nonce-nonce")), "nonce-nonce-nonce");
        clock.advance(Duration.ofMinutes(59));
        JWTClaimsSet.Builder fresh = google.claims("s", "nonce-nonce-nonce").issueTime(Date.from(clock.now))
                .expirationTime(Date.from(clock.now.plusSeconds(600)));
        verifier.verify(google.sign(fresh), "nonce-nonce-nonce");
        assertEquals(1, google.fetches());
        clock.advance(Duration.ofMinutes(2));
        verifier.verify(google.sign(fresh), "nonce-nonce-nonce");
        assertEquals(2, google.fetches());
    }

    @Test
    void maxAgeIsHeldBetweenTheFloorAndTheCeiling() {
        assertEquals(Duration.ofMinutes(5), keys.lifetime(""));
        assertEquals(Duration.ofMinutes(5), keys.lifetime("public, max-age=10"));
        assertEquals(Duration.ofSeconds(21600), keys.lifetime("public, max-age=21600, must-revalidate, no-transform"));
        assertEquals(Duration.ofHours(24), keys.lifetime("max-age=99999999"));
        assertEquals(Duration.ofMinutes(5), keys.lifetime("public, s-maxage=86400"), "s-maxage is for shared caches");
    }

    private void assertRefused(String because, String token, String nonce) {
        IdTokenVerifier.Refused refused = assertThrows(IdTokenVerifier.Refused.class, () -> verifier.verify(token, nonce));
        assertTrue(refused.getMessage().contains(because), "expected '" + because + "' in: " + refused.getMessage());
    }
}
