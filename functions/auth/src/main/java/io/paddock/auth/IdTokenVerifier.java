package io.paddock.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Checks one provider's ID token (OpenID Connect Core 3.1.3.7): the signature, then the claims; it writes nothing.
 * The order matters: nothing in the token is believed before its signature holds, so the algorithm is pinned to
 * RS256 (Apple and Google sign with nothing else; {@code none} and the HS family, whose "key" would be public, are
 * refused by name) and the key comes from the provider's published set by the header's {@code kid}, never from the
 * token itself ({@code jwk}, {@code jku} and {@code x5u} headers are ignored).
 *
 * <p>Whether the nonce was used before is {@link OidcSignIn}'s question: it needs the database.
 */
final class IdTokenVerifier {

    /** A refusal (401); the message is the problem's detail, so it says what failed and never echoes the token. */
    static final class Refused extends Exception {
        Refused(String detail) {
            super(detail, null, false, false);
        }
    }

    /** What a verified token says about its user. {@code email} is present only when the token carries one. */
    record Verified(OidcProvider provider, String subject, Optional<String> email, boolean emailVerified, String nonce,
            Instant expiresAt) {

        @Override
        public String toString() {
            return "Verified[" + provider.id + "]";
        }
    }

    private final OidcProvider provider;
    private final List<String> clientIds;
    private final ProviderKeys keys;
    private final Duration skew;
    private final InstantSource clock;

    IdTokenVerifier(OidcProvider provider, List<String> clientIds, ProviderKeys keys, Duration skew, InstantSource clock) {
        this.provider = provider;
        this.clientIds = List.copyOf(clientIds);
        this.keys = keys;
        this.skew = skew;
        this.clock = clock;
    }

    Verified verify(String idToken, String presentedNonce) throws Refused, ProviderKeys.Unreachable {
        JWT parsed;
        try {
            parsed = JWTParser.parse(idToken);
        } catch (ParseException | RuntimeException e) { // untrusted bytes: whatever the parser throws is a refusal
            throw new Refused("The ID token is not a JWT");
        }
        if (!(parsed instanceof SignedJWT jwt)) {
            // alg "none" (an unsecured JWT) or an encrypted one: neither is what Apple or Google issue.
            throw new Refused("The ID token's algorithm " + parsed.getHeader().getAlgorithm()
                    + " is not accepted; the provider signs with RS256");
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!JWSAlgorithm.RS256.equals(alg)) {
            throw new Refused("The ID token's algorithm " + alg + " is not accepted; the provider signs with RS256");
        }
        String kid = jwt.getHeader().getKeyID();
        RSAKey key = keys.key(kid).orElseThrow(() -> new Refused(
                "The ID token names a key (kid) that " + provider.id + " does not publish"));
        try {
            if (!jwt.verify(new RSASSAVerifier(key))) {
                throw new Refused("The ID token's signature does not verify");
            }
        } catch (JOSEException | RuntimeException e) {
            throw new Refused("The ID token's signature does not verify");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw new Refused("The ID token's claims cannot be read");
        }
        if (claims.getIssuer() == null || !provider.issuers.contains(claims.getIssuer())) {
            throw new Refused("The ID token's issuer (iss) is not " + provider.id);
        }
        if (claims.getAudience() == null || claims.getAudience().stream().noneMatch(clientIds::contains)) {
            throw new Refused("The ID token's audience (aud) is not this app");
        }
        // OIDC Core 3.1.3.7 (4, 5): a token for several audiences must name, in azp, the party it was issued to, and
        // that must be this app; otherwise another app among the audiences could pass its user's token on as ours.
        // With one audience azp is left alone: Google's Android tokens carry the Android client id there while aud
        // is the server's client id, and a deployment need not list the former.
        if (claims.getAudience().size() > 1) {
            Object azp = claims.getClaim("azp");
            if (!(azp instanceof String party) || !clientIds.contains(party)) {
                throw new Refused("The ID token names several audiences (aud) but its authorized party (azp) is not this app");
            }
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null || !now.minus(skew).isBefore(exp.toInstant())) {
            throw new Refused("The ID token has expired (exp)");
        }
        Date iat = claims.getIssueTime();
        if (iat == null || iat.toInstant().isAfter(now.plus(skew))) {
            throw new Refused("The ID token's issue time (iat) is missing or in the future");
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isEmpty() || subject.length() > 255) {
            throw new Refused("The ID token has no subject (sub)");
        }
        Object nonce = claims.getClaim("nonce");
        if (!(nonce instanceof String nonceClaim) || nonceClaim.isEmpty()) {
            throw new Refused("The ID token carries no nonce; pass the nonce to the provider when signing in");
        }
        if (!provider.nonceMatches(nonceClaim, presentedNonce)) {
            throw new Refused("The nonce does not match the ID token's nonce");
        }
        Optional<String> email = Optional.ofNullable(claims.getClaim("email")).filter(String.class::isInstance)
                .map(String.class::cast);
        return new Verified(provider, subject, email, verifiedFlag(claims.getClaim("email_verified")), nonceClaim,
                exp.toInstant());
    }

    /** Google sends a boolean; Apple sometimes the string "true". Anything else is not verified. */
    static boolean verifiedFlag(Object claim) {
        return Boolean.TRUE.equals(claim) || "true".equals(claim);
    }
}
