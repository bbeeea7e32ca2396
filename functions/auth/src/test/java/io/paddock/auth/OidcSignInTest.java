package io.paddock.auth;

import static io.paddock.auth.AuthApi.PROBLEM;
import static io.paddock.auth.AuthApi.json;
import static io.paddock.auth.AuthApi.login;
import static io.paddock.auth.AuthApi.newHandle;
import static io.paddock.auth.AuthApi.newIp;
import static io.paddock.auth.AuthApi.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.embedded.StandInIdentityProvider;
import io.paddock.embedded.StandInProvidersTestResource;
import io.paddock.shared.db.Database;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/auth/oidc/{provider} on the real Lambda path and the embedded stores, against stand-in providers whose key
 * sets are served from 127.0.0.1 ({@link StandInProvidersTestResource}). Each test has its own subjects, nonces,
 * addresses and client addresses. How tokens are refused in detail, and how the key set is fetched, is
 * {@link IdTokenVerificationTest}'s; here, what a client sees and what the store keeps.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
@QuarkusTestResource(StandInProvidersTestResource.class)
class OidcSignInTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HANDLE = "^user_[a-z0-9]{10}$";

    @Inject
    Database database;

    @Inject
    DirectSql store;

    final StandInIdentityProvider google = StandInProvidersTestResource.google();
    final StandInIdentityProvider apple = StandInProvidersTestResource.apple();

    @Test
    void aValidIdTokenMakesAnAccountAndTheNextSignsIntoIt() throws Exception {
        String subject = newSubject();
        String email = newHandle() + "@gmail.com";
        String nonce = newNonce();
        Response first = signIn("google", google.sign(verified(google.claims(subject, nonce), email)), nonce);
        first.then().statusCode(201).contentType("application/json").header("Cache-Control", "no-store")
                .body("user.email", equalTo(email)).body("user.handle", matchesPattern(HANDLE))
                .body("user.displayName", nullValue()).body("user.role", equalTo("user"))
                .body("expiresIn", equalTo(900));
        String userId = first.path("user.id");
        AuthApi.me(first.path("accessToken")).then().statusCode(200).body("user.id", equalTo(userId));
        AuthApi.refresh(newIp(), first.path("refreshToken")).then().statusCode(200);

        String again = newNonce();
        // Later tokens need not carry the address: the identity is linked.
        signIn("google", google.sign(google.claims(subject, again)), again).then().statusCode(200)
                .body("user.id", equalTo(userId));
        assertEquals(1, store.count("SELECT count(*) FROM user_identities WHERE provider = 'google' AND subject = ?", subject));
        assertEquals(0, store.count("SELECT count(*) FROM users WHERE id = ?::uuid AND password_hash IS NOT NULL", userId));
    }

    @Test
    void appleSignsInWithTheRawNonceAndItsStringTrueForAVerifiedAddress() {
        String raw = newNonce();
        String hashed = HexFormat.of().formatHex(OidcProvider.sha256(raw));
        String email = newHandle() + "@privaterelay.appleid.com";
        JWTClaimsSet.Builder claims = apple.claims(newSubject(), hashed).claim("email", email)
                .claim("email_verified", "true");
        signIn("apple", apple.sign(claims), hashed).then().statusCode(401).contentType(PROBLEM)
                .body("detail", containsString("nonce does not match"));
        signIn("apple", apple.sign(claims), raw).then().statusCode(201).body("user.email", equalTo(email));
    }

    @Test
    void eachBadTokenIsA401ProblemSayingWhatFailedAndLeavesNothing() throws Exception {
        String subject = newSubject();
        String nonce = newNonce();
        String email = newHandle() + "@gmail.com";
        JWTClaimsSet.Builder good = verified(google.claims(subject, nonce), email);
        assertRefused(google.sign(verified(google.claims(subject, nonce), email).audience("another-app")), nonce, "audience");
        assertRefused(google.sign(verified(google.claims(subject, nonce), email).issuer("https://appleid.apple.com")), nonce,
                "issuer");
        assertRefused(google.sign(verified(google.claims(subject, nonce), email)
                .expirationTime(Date.from(Instant.now().minusSeconds(120)))), nonce, "expired");
        assertRefused(StandInIdentityProvider.sign(good, StandInIdentityProvider.newKey()), nonce, "does not publish");
        assertRefused(google.withForeignSignature(good), nonce, "signature does not verify");
        assertRefused(StandInIdentityProvider.unsigned(good), nonce, "algorithm none");
        assertRefused(google.hs256(good), nonce, "algorithm HS256");
        assertRefused(google.sign(good), newNonce(), "nonce does not match");
        assertRefused(google.sign(verified(google.claims(subject, null), email)), nonce, "no nonce");
        assertEquals(0, store.count("SELECT count(*) FROM users WHERE lower(email) = lower(?)", email));
        assertEquals(0, store.count("SELECT count(*) FROM user_identities WHERE subject = ?", subject));
        // None of them spent the nonce: the good token still signs in.
        signIn("google", google.sign(good), nonce).then().statusCode(201);
    }

    @Test
    void anIdTokenSignsInOnceAndSoDoesItsNonce() throws Exception {
        String subject = newSubject();
        String nonce = newNonce();
        String token = google.sign(verified(google.claims(subject, nonce), newHandle() + "@gmail.com"));
        String userId = signIn("google", token, nonce).then().statusCode(201).extract().path("user.id");
        assertRefused(token, nonce, "already signed in");
        assertRefused(google.sign(google.claims(subject, nonce)), nonce, "already signed in");
        assertEquals(1, signInRows(userId).size(), "refused replays leave no sign-in row");
        assertEquals(1, store.count("SELECT count(*) FROM used_oidc_nonces WHERE provider = 'google' AND nonce_hash = ? "
                + "AND expires_at > now()", OidcProvider.sha256(nonce)));
    }

    @Test
    void aVerifiedAddressLinksTheAccountThatHasIt() throws Exception {
        AuthApi.Account account = AuthApi.register();
        String subject = newSubject();
        String nonce = newNonce();
        // Registered as handle@Example.COM: the address matches whatever the case of its domain.
        signIn("google", google.sign(verified(google.claims(subject, nonce), account.handle() + "@EXAMPLE.com")), nonce)
                .then().statusCode(200).body("user.id", equalTo(account.id())).body("user.handle", equalTo(account.handle()));
        assertEquals(1, store.count("SELECT count(*) FROM user_identities WHERE subject = ? AND user_id = ?::uuid", subject,
                account.id()));
        login(newIp(), account.email(), account.password()).then().statusCode(200);
        List<JsonNode> rows = signInRows(account.id());
        assertEquals(JSON.readTree("{\"method\":\"oidc\",\"provider\":\"google\",\"account\":\"linked\"}"),
                rows.get(1), rows.toString());
    }

    @Test
    void anAddressTheProviderDoesNotVouchForNeverLinksAnAccount() throws Exception {
        AuthApi.Account account = AuthApi.register();
        String subject = newSubject();
        String nonce = newNonce();
        JWTClaimsSet.Builder unverified = google.claims(subject, nonce).claim("email", account.email())
                .claim("email_verified", false);
        signIn("google", google.sign(unverified), nonce).then().statusCode(409).contentType(PROBLEM)
                .body("detail", containsString("sign in with the password first"));
        assertEquals(0, store.count("SELECT count(*) FROM user_identities WHERE subject = ?", subject));
        assertEquals(1, signInRows(account.id()).size(), "only the registration's");
        // "email_verified" absent is not verified either.
        String other = newNonce();
        signIn("google", google.sign(google.claims(subject, other).claim("email", account.email())), other)
                .then().statusCode(409);
    }

    @Test
    void aFirstSignInWithoutAVerifiedAddressIsA422() {
        String nonce = newNonce();
        signIn("google", google.sign(google.claims(newSubject(), nonce)), nonce).then().statusCode(422)
                .contentType(PROBLEM).body("detail", containsString("verified"));
        String other = newNonce();
        signIn("google", google.sign(google.claims(newSubject(), other).claim("email", newHandle() + "@gmail.com")
                .claim("email_verified", false)), other).then().statusCode(422);
    }

    @Test
    void anAccountMadeBySigningInHasNoPasswordALoginCanMatch() {
        String email = newHandle() + "@gmail.com";
        String nonce = newNonce();
        signIn("google", google.sign(verified(google.claims(newSubject(), nonce), email)), nonce).then().statusCode(201);
        for (String password : new String[] {"", "null", AuthApi.STRONG_PASSWORD}) {
            login(newIp(), email, password).then().statusCode(401).contentType(PROBLEM)
                    .body("detail", equalTo(Problems.WRONG_CREDENTIALS));
        }
    }

    @Test
    void theSignInIsRecentForDeletionAndADeletedAccountNeverSignsInAgain() throws Exception {
        String subject = newSubject();
        String email = newHandle() + "@gmail.com";
        String nonce = newNonce();
        Response session = signIn("google", google.sign(verified(google.claims(subject, nonce), email)), nonce);
        session.then().statusCode(201);
        given().header("X-Forwarded-For", newIp()).auth().oauth2(session.path("accessToken")).when()
                .delete("/v1/auth/me").then().statusCode(204);
        assertEquals(0, store.count("SELECT count(*) FROM user_identities WHERE subject = ?", subject));
        String again = newNonce();
        signIn("google", google.sign(verified(google.claims(subject, again), email)), again).then().statusCode(409)
                .contentType(PROBLEM).body("detail", containsString("deleted"));
    }

    @Test
    void aSignInLeavesOneAuditRowNamingTheProviderButNoTokenOrAddress() throws Exception {
        String email = newHandle() + "@gmail.com";
        String nonce = newNonce();
        String userId = signIn("google", google.sign(verified(google.claims(newSubject(), nonce), email)), nonce)
                .then().statusCode(201).extract().path("user.id");
        List<JsonNode> rows = signInRows(userId);
        assertEquals(List.of(JSON.readTree("{\"method\":\"oidc\",\"provider\":\"google\",\"account\":\"created\"}")), rows);
        assertEquals(0, store.count("SELECT count(*) FROM audit_events WHERE details::text LIKE ?", "%" + email + "%"));
    }

    @Test
    void anUnknownProviderIsA404AndABadBodyA400() {
        String nonce = newNonce();
        signIn("github", google.sign(google.claims(newSubject(), nonce)), nonce).then().statusCode(404)
                .contentType(PROBLEM).body("detail", containsString("apple or google"));
        post(newIp(), "/v1/auth/oidc/google", json("nonce", nonce)).then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("idToken"));
        post(newIp(), "/v1/auth/oidc/google", json("idToken", "not.a-token", "nonce", nonce)).then().statusCode(400);
        post(newIp(), "/v1/auth/oidc/google", json("idToken", google.sign(google.claims("s", "short")), "nonce", "short"))
                .then().statusCode(400).body("errors[0].field", equalTo("nonce"));
        post(newIp(), "/v1/auth/oidc/google", json("idToken", "a.b.c", "nonce", nonce, "extra", "x")).then().statusCode(400);
        post(newIp(), "/v1/auth/oidc/google", json("idToken", "a".repeat(9000) + ".b.c", "nonce", nonce))
                .then().statusCode(400).body("errors[0].field", equalTo("idToken"));
    }

    // --- helpers ---

    static JWTClaimsSet.Builder verified(JWTClaimsSet.Builder claims, String email) {
        return claims.claim("email", email).claim("email_verified", true);
    }

    static Response signIn(String provider, String idToken, String nonce) {
        return post(newIp(), "/v1/auth/oidc/" + provider, json("idToken", idToken, "nonce", nonce));
    }

    private static void assertRefused(String idToken, String nonce, String because) {
        signIn("google", idToken, nonce).then().statusCode(401).contentType(PROBLEM)
                .body("detail", containsString(because));
    }

    private static String newSubject() {
        return "1" + Long.toUnsignedString(UUID.randomUUID().getMostSignificantBits());
    }

    private static String newNonce() {
        return UUID.randomUUID().toString();
    }

    /** The details of the account's sign-in rows, oldest first. */
    private List<JsonNode> signInRows(String userId) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT details::text FROM audit_events WHERE action = 'auth.signed_in' AND target_id = ? ORDER BY at, id")) {
            s.setString(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(JSON.readTree(rs.getString(1)));
                }
            }
        }
        return rows;
    }

}
