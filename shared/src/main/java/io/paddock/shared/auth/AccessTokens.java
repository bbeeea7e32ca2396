package io.paddock.shared.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * RS256 access tokens: issued by the auth function, verified by every function. Verification trusts
 * nothing in the token before the signature holds: the algorithm is pinned to RS256 (so {@code none}
 * and HS256-with-the-public-key are refused), the key comes from our own set by {@code kid}, then
 * iss, aud, exp and nbf (with the configured leeway) and the revocation list are checked.
 *
 * <p>A token minted from a refresh-token family carries the family's id as {@code fid}, so that revoking
 * the family (logout, reuse of a spent refresh token, account gone) refuses every access token it ever
 * issued, not only the newest: see {@link RevokedTokens}. A token minted from a sign-in carries {@code auth_time},
 * and so do the tokens its family mints later by refresh (the same value): routes that need a recent sign-in
 * ({@link RecentSignIn}) read it as {@link Principal#authTime()}.
 */
@ApplicationScoped
@Startup // keys are read (maybe from Secrets Manager) at init, so SnapStart snapshots hold them
public class AccessTokens {

    public record Issued(String token, String tokenId, Instant expiresAt, long expiresInSeconds) {
    }

    private static final int MAX_TOKEN_LENGTH = 8192;
    /** The claim naming the refresh-token family a token was minted from. */
    public static final String FAMILY_CLAIM = "fid";
    /** When the caller signed in (epoch seconds; OpenID Connect Core §2), carried unchanged through refreshes. */
    public static final String AUTH_TIME_CLAIM = "auth_time";
    private static final Pattern FAMILY_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The user no one is (ids are random UUIDv7): the subject of every priming token, see {@link PrimingSignIn}. */
    public static final UUID PRIMING_USER = new UUID(0x0000_0000_0000_7000L, 0x8000_0000_0000_0000L);
    /** Priming tokens outlive their requests by little; they are refused anyway once the priming ends. */
    private static final Duration PRIMING_TOKEN_TTL = Duration.ofMinutes(1);

    private final SigningKeys keys;
    /** The key of the open {@link PrimingSignIn}, if any: trusted only while it is open. */
    private final AtomicReference<RSAKey> primingKey = new AtomicReference<>();
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
        return issue(userId, role, familyId, null);
    }

    /**
     * A token of the family {@code familyId} whose caller signed in at {@code authTime} (null: no
     * {@code auth_time} claim, never a recent sign-in). The family's sign-in time, not the time of a refresh.
     */
    public Issued issue(UUID userId, String role, String familyId, Instant authTime) {
        if (familyId != null && !FAMILY_ID.matcher(familyId).matches()) {
            throw new IllegalArgumentException("a family id is a lower-case UUID");
        }
        RSAKey key = keys.current().orElseThrow(() -> new IllegalStateException(
                "this function has no signing key (paddock.auth.signing-keys); it can only verify tokens"));
        return sign(key, userId, role, familyId, authTime, ttl);
    }

    private Issued sign(RSAKey key, UUID userId, String role, String familyId, Instant authTime, Duration lifetime) {
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
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
        if (authTime != null) {
            claims.claim(AUTH_TIME_CLAIM, authTime.getEpochSecond());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return new Issued(jwt.serialize(), tokenId, expires, lifetime.toSeconds());
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
        String kid = jwt.getHeader().getKeyID();
        JWSVerifier verifier = keys.verifier(kid)
                .or(() -> Optional.ofNullable(primingKey.get()).filter(k -> k.getKeyID().equals(kid))
                        .map(SigningKeys::verifierOf))
                .orElseThrow(() -> new InvalidTokenException("unknown kid"));
        try {
            if (!jwt.verify(verifier)) {
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
        Object authTime = claims.getClaim(AUTH_TIME_CLAIM);
        if (authTime != null && !(authTime instanceof Number n && n.longValue() > 0 && n.doubleValue() == n.longValue())) {
            throw new InvalidTokenException("auth_time is not epoch seconds");
        }
        Principal principal = new Principal(userId, (String) role, claims.getJWTID(), claims.getExpirationTime().toInstant(),
                familyId, authTime == null ? null : Instant.ofEpochSecond(((Number) authTime).longValue()));
        if (revoked.isRevoked(claims.getJWTID(), familyId)) {
            throw new RevokedTokenException(principal);
        }
        return principal;
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

    /**
     * Opens signed-in SnapStart priming; see {@link PrimingSignIn}. Generating its key takes a moment (a
     * 2048-bit RSA key), which priming spends before the snapshot, not in a request.
     */
    public PrimingSignIn signInForPriming() {
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("no priming key: " + e.getMessage(), e);
        }
        if (!primingKey.compareAndSet(null, key)) {
            throw new IllegalStateException("a priming sign-in is already open");
        }
        return new PrimingSignIn(key);
    }

    /**
     * Signed-in SnapStart priming. Without it, priming reaches a protected route only as far as its 401, and the
     * first real user after every restore still pays for what a signed-in request loads and compiles first:
     * the signature check, the revocation read, the route itself. So priming signs its own tokens, with a key
     * generated for this container alone and trusted only until {@link #close}: its private part never leaves
     * this object, its tokens name {@link #PRIMING_USER} (no account, so the routes read nothing of anyone's),
     * and once closed nothing it signed is accepted — the snapshot holds no credential that works after
     * restore. Not a way in: without the private key of a key the verifier trusts, no token passes.
     */
    public final class PrimingSignIn implements AutoCloseable {

        private final RSAKey key;

        private PrimingSignIn(RSAKey key) {
            this.key = key;
        }

        /** A bearer token of {@link #PRIMING_USER} in {@code role}, accepted until this sign-in is closed. */
        public String token(String role) {
            if (primingKey.get() != key) {
                throw new IllegalStateException("this priming sign-in is closed");
            }
            return sign(key, PRIMING_USER, role, null, null, PRIMING_TOKEN_TTL).token();
        }

        @Override
        public void close() {
            primingKey.compareAndSet(key, null);
        }
    }
}
