package io.paddock.shared.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.config.Secrets;
import io.paddock.shared.ids.Ids;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * RS256 access tokens: issued by the auth function, verified by every function. Verification trusts
 * nothing in the token before the signature holds: the algorithm is pinned to RS256 (so {@code none}
 * and HS256-with-the-public-key are refused), the key comes from our own set by {@code kid}, then
 * iss, aud, exp and nbf (with the configured leeway) and the revocation list are checked.
 *
 * <p>A token minted from a refresh-token family carries the family's id as {@code fid}, so that revoking
 * the family (logout, reuse of a spent refresh token, account gone) refuses every access token it ever
 * issued, not only the newest: see {@link RevokedTokens}.
 */
@ApplicationScoped
@Startup // keys are read (maybe from Secrets Manager) at init, so SnapStart snapshots hold them
public class AccessTokens {

    public record Issued(String token, String tokenId, Instant expiresAt, long expiresInSeconds) {
    }

    private static final int MAX_TOKEN_LENGTH = 8192;
    /** The claim naming the refresh-token family a token was minted from. */
    public static final String FAMILY_CLAIM = "fid";
    private static final Pattern FAMILY_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final SigningKeys keys;
    private final RevokedTokens revoked;
    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final Duration skew;
    private final Clock clock;

    @Inject
    public AccessTokens(PaddockConfig config, RevokedTokens revoked, Secrets secrets) {
        this(SigningKeys.parse(secrets.resolve(config.auth().signingKeys()),
                        secrets.resolve(config.auth().verificationKeys())), revoked,
                config.auth().issuer(), config.auth().audience(), config.auth().accessTokenTtl(),
                config.auth().clockSkew(), Clock.systemUTC());
    }

    public AccessTokens(SigningKeys keys, RevokedTokens revoked, String issuer, String audience, Duration ttl,
            Duration skew, Clock clock) {
        this.keys = keys;
        this.revoked = revoked;
        this.issuer = issuer;
        this.audience = audience;
        this.ttl = ttl;
        this.skew = skew;
        this.clock = clock;
    }

    /** A token outside any refresh-token family (no {@code fid}): only its own jti can revoke it. */
    public Issued issue(UUID userId, String role) {
        return issue(userId, role, null);
    }

    /** A token of the refresh-token family {@code familyId} (a UUID): revoking the family refuses it. */
    public Issued issue(UUID userId, String role, String familyId) {
        if (familyId != null && !FAMILY_ID.matcher(familyId).matches()) {
            throw new IllegalArgumentException("a family id is a lower-case UUID");
        }
        RSAKey key = keys.current().orElseThrow(() -> new IllegalStateException(
                "this function has no signing key (paddock.auth.signing-keys); it can only verify tokens"));
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        String tokenId = Ids.uuidV7().toString();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(userId.toString())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(tokenId)
                .claim("role", role);
        if (familyId != null) {
            claims.claim(FAMILY_CLAIM, familyId);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return new Issued(jwt.serialize(), tokenId, expires, ttl.toSeconds());
    }

    public Principal verify(String compact) {
        if (compact == null || compact.isBlank() || compact.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("empty or oversized token");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(compact);
        } catch (ParseException e) {
            throw new InvalidTokenException("not a signed JWT");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new InvalidTokenException("algorithm " + jwt.getHeader().getAlgorithm() + " is not RS256");
        }
        RSAKey key = keys.verifying(jwt.getHeader().getKeyID())
                .orElseThrow(() -> new InvalidTokenException("unknown kid"));
        try {
            if (!jwt.verify(new RSASSAVerifier(key))) {
                throw new InvalidTokenException("bad signature");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("signature not verifiable");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("claims unreadable");
        }
        Instant now = clock.instant();
        if (!issuer.equals(claims.getIssuer())) {
            throw new InvalidTokenException("wrong issuer");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
            throw new InvalidTokenException("wrong audience");
        }
        if (claims.getExpirationTime() == null || !now.minus(skew).isBefore(claims.getExpirationTime().toInstant())) {
            throw new InvalidTokenException("expired");
        }
        if (claims.getNotBeforeTime() != null && now.plus(skew).isBefore(claims.getNotBeforeTime().toInstant())) {
            throw new InvalidTokenException("not yet valid");
        }
        Object role = claims.getClaim("role");
        if (!(Principal.USER.equals(role) || Principal.ADMIN.equals(role)) || claims.getJWTID() == null) {
            throw new InvalidTokenException("missing role or jti");
        }
        UUID userId;
        try {
            userId = UUID.fromString(String.valueOf(claims.getSubject()));
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("subject is not a user id");
        }
        Object family = claims.getClaim(FAMILY_CLAIM);
        if (family != null && !(family instanceof String fid && FAMILY_ID.matcher(fid).matches())) {
            throw new InvalidTokenException("fid is not a family id");
        }
        String familyId = (String) family;
        if (revoked.isRevoked(claims.getJWTID(), familyId)) {
            throw new InvalidTokenException("revoked");
        }
        return new Principal(userId, (String) role, claims.getJWTID(), claims.getExpirationTime().toInstant(), familyId);
    }

    /** Logout: the token is refused from now on, by every function. */
    public void revoke(Principal principal) {
        revoked.revoke(principal.tokenId(), principal.familyId(), principal.expiresAt());
    }

    /**
     * The family is revoked: every access token minted from it is refused from now on, by every function.
     * Listed for as long as the newest of them could still be accepted (lifetime plus clock skew from now).
     */
    public void revokeFamily(String familyId) {
        revoked.revokeFamily(familyId, clock.instant().plus(ttl).plus(skew));
    }

    public Map<String, Object> publicJwks() {
        return keys.publicJwks();
    }
}
