package io.paddock.auth;

import static io.paddock.auth.AuthApi.PROBLEM;
import static io.paddock.auth.AuthApi.me;
import static io.paddock.auth.AuthApi.newIp;
import static io.paddock.auth.AuthApi.refresh;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.testing.AllAtOnce;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Refresh-token rotation, reuse detection (RFC 9700), the contract's multi-tab grace, and (v1.1, issue 13
 * finding 9) tokens judged whole: only a secret the family issued can revoke it, and revoking it refuses
 * every access token it issued. The grace period is 3 s in the test configuration, so "after the grace
 * period" is a short sleep.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class RefreshTokenTest {

    @Inject
    RefreshTokens refreshTokens;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    RefreshTokenSettings settings;

    @Test
    void reuseOfASpentTokenAfterTheGracePeriodRevokesTheWholeFamily() throws Exception {
        AuthApi.Account account = AuthApi.register();
        String a = account.refreshToken();
        Response b = refresh(newIp(), a);
        b.then().statusCode(200);

        Thread.sleep(settings.gracePeriod().toMillis() + 300);
        refresh(newIp(), a).then().statusCode(401).contentType(PROBLEM).body("detail", containsString("log in again"));

        refresh(newIp(), b.path("refreshToken")).then().statusCode(401);
        assertTrue(family(a).get(RefreshTokens.REVOKED).bool());
        // Every access token of the family is refused at once, too: the newest and the first.
        me(b.path("accessToken")).then().statusCode(401);
        me(account.accessToken()).then().statusCode(401);
    }

    @Test
    void aRefreshTokenWithAnUnknownSecretIsA401ThatRevokesNothing() {
        AuthApi.Account account = AuthApi.register();
        Response b = refresh(newIp(), account.refreshToken());
        b.then().statusCode(200);
        // #13 finding 9: the family id alone (it appears in logs) with any secret must not end the owner's session.
        String familyId = account.refreshToken().substring(0, 36);
        String forged = familyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        refresh(newIp(), forged).then().statusCode(401).contentType(PROBLEM);

        assertFalse(family(forged).get(RefreshTokens.REVOKED).bool());
        me(account.accessToken()).then().statusCode(200);
        me(b.path("accessToken")).then().statusCode(200);
        Response c = refresh(newIp(), b.path("refreshToken"));
        c.then().statusCode(200);
        me(c.path("accessToken")).then().statusCode(200);
    }

    @Test
    void aSpentTokenOlderThanTheParentStillRevokesTheFamily() {
        AuthApi.Account account = AuthApi.register();
        String a = account.refreshToken();
        String b = refresh(newIp(), a).path("refreshToken");
        Response c = refresh(newIp(), b);
        Response d = refresh(newIp(), c.path("refreshToken"));
        d.then().statusCode(200);

        // a is neither current (d) nor parent (c): only its spent marker says the family issued it.
        refresh(newIp(), a).then().statusCode(401);
        assertTrue(family(a).get(RefreshTokens.REVOKED).bool());
        refresh(newIp(), d.path("refreshToken")).then().statusCode(401);
        me(d.path("accessToken")).then().statusCode(401);
    }

    @Test
    void revokingAFamilyRefusesItsEarlierAccessTokens() {
        AuthApi.Account account = AuthApi.register();
        Response second = refresh(newIp(), account.refreshToken());
        Response third = refresh(newIp(), second.path("refreshToken"));
        List<String> accessTokens = List.of(account.accessToken(), second.path("accessToken"), third.path("accessToken"));
        accessTokens.forEach(token -> me(token).then().statusCode(200));
        AuthApi.Account bystander = AuthApi.register();

        refresh(newIp(), account.refreshToken()).then().statusCode(401); // reuse of the first, spent token

        for (String token : accessTokens) {
            me(token).then().statusCode(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        me(bystander.accessToken()).then().statusCode(200);
    }

    @Test
    void logoutRefusesEveryAccessTokenOfTheFamily() {
        AuthApi.Account account = AuthApi.register();
        Response second = refresh(newIp(), account.refreshToken());
        Response third = refresh(newIp(), second.path("refreshToken"));
        Response otherSession = AuthApi.login(newIp(), account.email(), account.password());
        otherSession.then().statusCode(200);

        AuthApi.from(newIp()).auth().oauth2(third.<String>path("accessToken"))
                .body(AuthApi.json("refreshToken", third.path("refreshToken")))
                .when().post("/v1/auth/logout").then().statusCode(204);

        for (String token : List.of(account.accessToken(), second.<String>path("accessToken"),
                third.<String>path("accessToken"))) {
            me(token).then().statusCode(401);
        }
        // Another login of the same account is another family: it stays signed in.
        me(otherSession.path("accessToken")).then().statusCode(200);
        refresh(newIp(), otherSession.path("refreshToken")).then().statusCode(200);
    }

    @Test
    void theImmediateParentWithinTheGracePeriodGetsTheSamePairBack() {
        AuthApi.Account account = AuthApi.register();
        String a = account.refreshToken();
        Response first = refresh(newIp(), a);
        Response second = refresh(newIp(), a);
        first.then().statusCode(200);
        second.then().statusCode(200);
        assertEquals(first.<String>path("refreshToken"), second.path("refreshToken"));
        assertEquals(first.<String>path("accessToken"), second.path("accessToken"));
        // B is not spent by the grace answer: it rotates normally.
        Response c = refresh(newIp(), first.path("refreshToken"));
        c.then().statusCode(200);
        assertNotEquals(first.<String>path("refreshToken"), c.path("refreshToken"));
        me(c.path("accessToken")).then().statusCode(200);
    }

    @Test
    void anOlderAncestorIsReuseEvenWithinTheGracePeriod() {
        AuthApi.Account account = AuthApi.register();
        String a = account.refreshToken();
        String b = refresh(newIp(), a).path("refreshToken");
        String c = refresh(newIp(), b).path("refreshToken");
        refresh(newIp(), a).then().statusCode(401);
        refresh(newIp(), c).then().statusCode(401);
        assertTrue(family(a).get(RefreshTokens.REVOKED).bool());
    }

    @Test
    void twoParallelRefreshesOfOneTokenBothGetTheSameOnePair() throws Exception {
        AuthApi.Account account = AuthApi.register();
        String a = account.refreshToken();
        List<Response> answers = AllAtOnce.run(2, () -> refresh(newIp(), a));
        Set<String> refreshTokensSeen = new HashSet<>();
        Set<String> accessTokensSeen = new HashSet<>();
        for (Response r : answers) {
            r.then().statusCode(200);
            refreshTokensSeen.add(r.path("refreshToken"));
            accessTokensSeen.add(r.path("accessToken"));
        }
        assertEquals(1, refreshTokensSeen.size(), "one pair minted");
        assertEquals(1, accessTokensSeen.size());
        String b = refreshTokensSeen.iterator().next();
        Map<String, AttributeValue> family = family(a);
        assertEquals(RefreshTokens.hash(secret(b)), family.get(RefreshTokens.CURRENT_HASH).s(), "the stored token is the one returned");
        assertEquals(RefreshTokens.hash(secret(a)), family.get(RefreshTokens.PARENT_HASH).s());
    }

    /**
     * The race itself, without the Lambda adapter (which serialises requests like one Lambda container):
     * eight threads rotate one token at once against DynamoDB. The conditional write lets one rotate;
     * the others find its pair through the grace path. Exactly one pair exists afterwards.
     */
    @Test
    void concurrentRotationsOfOneTokenMintExactlyOnePair() throws Exception {
        UUID userId = UUID.fromString(AuthApi.register().id());
        for (int round = 0; round < 5; round++) {
            String a = refreshTokens.open(userId, "user").refreshToken();
            List<TokenPair> pairs = AllAtOnce.run(8, () -> refreshTokens.rotate(a));
            Set<String> minted = new HashSet<>();
            pairs.forEach(p -> minted.add(p.refreshToken() + " " + p.accessToken()));
            assertEquals(1, minted.size(), "round " + round + ": " + minted.size() + " pairs");
            assertEquals(RefreshTokens.hash(secret(pairs.get(0).refreshToken())),
                    family(a).get(RefreshTokens.CURRENT_HASH).s());
        }
    }

    @Test
    void malformedTokensAre400AndUnknownOnes401() {
        for (String bad : List.of("", "nope", UUID.randomUUID().toString(), UUID.randomUUID() + ".short",
                UUID.randomUUID() + "." + "A".repeat(42) + "=", "../" + UUID.randomUUID() + "." + "A".repeat(43))) {
            AuthApi.post(newIp(), "/v1/auth/refresh", AuthApi.json("refreshToken", bad))
                    .then().statusCode(400).contentType(PROBLEM).body("errors[0].field", org.hamcrest.Matchers.equalTo("refreshToken"));
        }
        String unknown = UUID.randomUUID() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        refresh(newIp(), unknown).then().statusCode(401).contentType(PROBLEM);
    }

    /** Four spellings decode to one secret when the last character's two unused bits are ignored; only one was issued. */
    @Test
    void aTokenSpelledOtherwiseThanIssuedIsRefusedThoughItDecodesToTheSameSecret() {
        String token = AuthApi.register().refreshToken();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        String respelled = token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) + 1);
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(secret(token)),
                Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getUrlDecoder().decode(
                        respelled.substring(respelled.indexOf('.') + 1))), "the same secret to a lenient decoder");
        refresh(newIp(), respelled).then().statusCode(400).contentType(PROBLEM);
        refresh(newIp(), token).then().statusCode(200);
    }

    @Test
    void anExpiredFamilyIsRefused() {
        AuthApi.Account account = AuthApi.register();
        String familyId = account.refreshToken().substring(0, 36);
        dynamo.updateItem(r -> r.tableName(settings.table())
                .key(Map.of(RefreshTokens.FAMILY_ID, AttributeValue.fromS(familyId)))
                .updateExpression("SET expiresAt = :past")
                .expressionAttributeValues(Map.of(":past", AttributeValue.fromN(
                        Long.toString(Instant.now().minusSeconds(1).getEpochSecond())))));
        refresh(newIp(), account.refreshToken()).then().statusCode(401);
    }

    @Test
    void familiesAreStoredWithHashesOnlyAndASlidingExpiry() {
        AuthApi.Account account = AuthApi.register();
        String a = account.refreshToken();
        Map<String, AttributeValue> family = family(a);
        assertEquals(account.id(), family.get(RefreshTokens.USER_ID).s());
        assertFalse(family.values().stream().anyMatch(v -> v.s() != null && v.s().contains(a.substring(37))),
                "the secret itself is never stored");
        long expires = Long.parseLong(family.get(RefreshTokens.EXPIRES_AT).n());
        long in30Days = Instant.now().plus(java.time.Duration.ofDays(30)).getEpochSecond();
        assertTrue(Math.abs(expires - in30Days) < 60, "expiresAt " + expires);
        assertTrue(family.get(RefreshTokens.CREATED_AT).s().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"));
        String b = refresh(newIp(), a).path("refreshToken");
        Map<String, AttributeValue> rotated = family(b);
        assertFalse(rotated.get(RefreshTokens.GRACE_PAIR).s().contains(b.substring(37)), "the grace pair is encrypted");
        assertThrows(RefreshTokens.Refused.class, () -> refreshTokens.rotate(null));

        // The spent secret's marker: its hash only, expiring with the family, out of the byUser index.
        Map<String, AttributeValue> marker = dynamo.getItem(r -> r.tableName(settings.table())
                .consistentRead(true).key(Map.of(RefreshTokens.FAMILY_ID, AttributeValue.fromS(
                        a.substring(0, 36) + RefreshTokens.SPENT + RefreshTokens.hash(secret(a)))))).item();
        assertEquals(Set.of(RefreshTokens.FAMILY_ID, RefreshTokens.EXPIRES_AT), marker.keySet());
        assertEquals(rotated.get(RefreshTokens.EXPIRES_AT).n(), marker.get(RefreshTokens.EXPIRES_AT).n());
    }

    private Map<String, AttributeValue> family(String token) {
        return dynamo.getItem(r -> r.tableName(settings.table()).consistentRead(true)
                .key(Map.of(RefreshTokens.FAMILY_ID, AttributeValue.fromS(token.substring(0, 36))))).item();
    }

    private static byte[] secret(String token) {
        return Base64.getUrlDecoder().decode(token.substring(37));
    }
}
