package io.paddock.auth;

import static io.paddock.auth.AuthApi.PROBLEM;
import static io.paddock.auth.AuthApi.STRONG_PASSWORD;
import static io.paddock.auth.AuthApi.json;
import static io.paddock.auth.AuthApi.login;
import static io.paddock.auth.AuthApi.newHandle;
import static io.paddock.auth.AuthApi.newIp;
import static io.paddock.auth.AuthApi.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.PaddockStoresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.text.Normalizer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad bodies get a precise 4xx problem naming the field, never a 5xx; odd but valid input is accepted. */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class ValidationTest {

    private static final String EMOJI = "\uD83D\uDE00"; // 😀, two UTF-16 units, one character

    /** A valid registration with one field replaced (value is raw JSON). */
    private static String registration(String field, String rawJson) {
        String handle = newHandle();
        StringBuilder b = new StringBuilder("{");
        String[][] fields = {{"email", "\"" + handle + "@example.com\""}, {"password", "\"" + STRONG_PASSWORD + "\""},
                {"handle", "\"" + handle + "\""}};
        for (String[] f : fields) {
            String value = f[0].equals(field) ? rawJson : f[1];
            if (value != null) {
                b.append(b.length() > 1 ? "," : "").append('"').append(f[0]).append("\":").append(value);
            }
        }
        if (field.equals("displayName") || !(field.equals("email") || field.equals("password") || field.equals("handle"))) {
            b.append(",\"").append(field).append("\":").append(rawJson);
        }
        return b.append('}').toString();
    }

    private static String str(String value) {
        return "\"" + AuthApi.escape(value) + "\"";
    }

    static Stream<Arguments> badRegistrations() {
        return Stream.of(
                Arguments.of("email missing", registration("email", null), "email", "is required"),
                Arguments.of("password missing", registration("password", null), "password", "is required"),
                Arguments.of("handle missing", registration("handle", null), "handle", "is required"),
                Arguments.of("email null", registration("email", "null"), "email", "is required"),
                Arguments.of("email a number", registration("email", "123"), "email", "has the wrong type"),
                Arguments.of("password a boolean", registration("password", "true"), "password", "has the wrong type"),
                Arguments.of("password a number", registration("password", "12345678"), "password", "has the wrong type"),
                Arguments.of("handle an array", registration("handle", "[\"ada\"]"), "handle", "has the wrong type"),
                Arguments.of("displayName an object", registration("displayName", "{}"), "displayName", "has the wrong type"),
                Arguments.of("unknown field role", registration("role", "\"admin\""), "role", "unknown field"),
                Arguments.of("email without @", registration("email", str("ada.example.com")), "email", null),
                Arguments.of("email without a dot in the domain", registration("email", str("ada@localhost")), "email", null),
                Arguments.of("email with two @", registration("email", str("ada@@example.com")), "email", null),
                Arguments.of("email with a space", registration("email", str("ada lovelace@example.com")), "email", null),
                Arguments.of("email with NUL", registration("email", str("ada\u0000@example.com")), "email", null),
                Arguments.of("email with non-ASCII", registration("email", str("ädä@exämple.com")), "email", null),
                Arguments.of("email with RTL override", registration("email", str("ada\u202E@example.com")), "email", null),
                Arguments.of("email too long", registration("email", str("a".repeat(250) + "@example.com")), "email", null),
                Arguments.of("password too short", registration("password", str("seven77")), "password",
                        "must be at least 8 characters long"),
                Arguments.of("password of 7 emoji (14 UTF-16 units)", registration("password", str(EMOJI.repeat(7))),
                        "password", "must be at least 8 characters long"),
                Arguments.of("password of 129 characters", registration("password", str("x".repeat(129))), "password",
                        "must be at most 128 characters long"),
                Arguments.of("password of 200 KiB", registration("password", str("x".repeat(200 * 1024))), "password",
                        "must be at most 128 characters long"),
                Arguments.of("common password", registration("password", str("iloveyou")), "password",
                        "is one of the most common passwords; choose another"),
                Arguments.of("common password in capitals", registration("password", str("BaseBall")), "password",
                        "is one of the most common passwords; choose another"),
                Arguments.of("password with NUL", registration("password", str("long enough\u0000pw")), "password",
                        "must not contain a NUL character (U+0000)"),
                Arguments.of("password with a control character", registration("password", str("long enough\u0007pw")),
                        "password", "must not contain control characters"),
                Arguments.of("password with a lone surrogate", registration("password", str("long enough \uD800")),
                        "password", "must not contain an unpaired surrogate (invalid Unicode)"),
                Arguments.of("handle in capitals", registration("handle", str("Ada_" + newHandle().substring(0, 8))), "handle",
                        "must be 3 to 30 characters of a-z, 0-9 and _"),
                Arguments.of("handle too short", registration("handle", str("ab")), "handle", null),
                Arguments.of("handle too long", registration("handle", str("a".repeat(31))), "handle", null),
                Arguments.of("handle with a dash", registration("handle", str("ada-l")), "handle", null),
                Arguments.of("handle with a Cyrillic a", registration("handle", str("\u0430da_lovelace")), "handle", null),
                Arguments.of("handle with an emoji", registration("handle", str("ada" + EMOJI)), "handle", null),
                Arguments.of("displayName empty", registration("displayName", str("")), "displayName", null),
                Arguments.of("displayName blank", registration("displayName", str("   ")), "displayName", null),
                Arguments.of("displayName of 101 characters", registration("displayName", str("x".repeat(101))), "displayName", null),
                Arguments.of("displayName with RTL override", registration("displayName", str("Ada \u202Egnp.exe")),
                        "displayName", "must not contain control, zero-width or bidirectional formatting characters"),
                // #13 finding 11: invisible characters that make one name look like another or display reordered.
                Arguments.of("displayName with a zero-width space", registration("displayName", str("A\u200Bda")),
                        "displayName", "must not contain control, zero-width or bidirectional formatting characters"),
                Arguments.of("displayName with a zero-width joiner between letters",
                        registration("displayName", str("A\u200Dda")), "displayName", null),
                Arguments.of("displayName with a zero-width non-joiner", registration("displayName", str("Ada\u200C")),
                        "displayName", null),
                Arguments.of("displayName with a right-to-left mark", registration("displayName", str("Ada\u200F")),
                        "displayName", null),
                Arguments.of("displayName with a right-to-left isolate", registration("displayName", str("\u2067Ada\u2069")),
                        "displayName", null),
                Arguments.of("displayName with an Arabic letter mark", registration("displayName", str("Ada\u061C")),
                        "displayName", null),
                Arguments.of("displayName with a word joiner", registration("displayName", str("Ad\u2060a")),
                        "displayName", null),
                Arguments.of("displayName with a byte-order mark", registration("displayName", str("\uFEFFAda")),
                        "displayName", null),
                Arguments.of("displayName with a line separator", registration("displayName", str("Ada\u2028Admin")),
                        "displayName", null),
                Arguments.of("displayName with NUL", registration("displayName", str("Ada\u0000")), "displayName",
                        "must not contain a NUL character (U+0000)"),
                Arguments.of("displayName with a lone surrogate", registration("displayName", str("Ada \uDC00")),
                        "displayName", "must not contain an unpaired surrogate (invalid Unicode)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRegistrations")
    void badRegistrationIsA400ProblemNamingTheField(String name, String body, String field, String message) {
        Response r = post(newIp(), "/v1/auth/register", body);
        r.then().statusCode(400)
                .contentType(PROBLEM)
                .body("status", equalTo(400))
                .body("requestId", notNullValue())
                .body("errors.field", hasItem(field));
        if (message != null) {
            assertEquals(message, r.path("errors.find { it.field == '" + field + "' }.message"), r.asString());
        }
    }

    @Test
    void everyBrokenFieldIsReportedAtOnce() {
        post(newIp(), "/v1/auth/register", json("email", "nope", "password", "short", "handle", "No", "displayName", ""))
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", containsInAnyOrder("email", "password", "handle", "displayName"));
        post(newIp(), "/v1/auth/register", "{}").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("email", "password", "handle"));
    }

    static Stream<Arguments> malformedJson() {
        return Stream.of(
                Arguments.of("/v1/auth/register", "{not json"),
                Arguments.of("/v1/auth/register", ""),
                Arguments.of("/v1/auth/register", "null"),
                Arguments.of("/v1/auth/register", "[]"),
                Arguments.of("/v1/auth/register", "\"text\""),
                Arguments.of("/v1/auth/register", "{\"email\":\"a@example.com\",\"email\":\"b@example.com\"}"),
                Arguments.of("/v1/auth/login", "{\"email\":\"a@example.com\",\"password\":\"x\"} trailing"),
                Arguments.of("/v1/auth/login", "{\"email\":\"a@example.com\"}"),
                Arguments.of("/v1/auth/login", "{\"email\":\"a@example.com\",\"password\":\"x\",\"remember\":true}"),
                Arguments.of("/v1/auth/login", "{\"email\":[],\"password\":{}}"),
                Arguments.of("/v1/auth/refresh", "{}"),
                Arguments.of("/v1/auth/refresh", "{\"refreshToken\":42}"),
                Arguments.of("/v1/auth/refresh", "{\"refreshToken\":null}"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("malformedJson")
    void malformedBodiesAre400Problems(String path, String body) {
        post(newIp(), path, body).then().statusCode(400).contentType(PROBLEM).body("status", equalTo(400));
    }

    @Test
    void aOneMebibytePasswordIsRefusedBeforeParsing() {
        post(newIp(), "/v1/auth/register", json("email", newHandle() + "@example.com", "password", "x".repeat(1 << 20),
                "handle", newHandle())).then().statusCode(413).contentType(PROBLEM);
        post(newIp(), "/v1/auth/login", json("email", "a@example.com", "password", "x".repeat(1 << 20)))
                .then().statusCode(413).contentType(PROBLEM);
    }

    @Test
    void notJsonIs415() {
        given().header("X-Forwarded-For", newIp()).contentType(ContentType.TEXT).body("email=a")
                .when().post("/v1/auth/login").then().statusCode(415).contentType(PROBLEM);
    }

    @Test
    void duplicateEmailOrHandleIs409NamingTheField() {
        AuthApi.Account ada = AuthApi.register();
        post(newIp(), "/v1/auth/register", json("email", ada.email().toUpperCase(), "password", STRONG_PASSWORD,
                "handle", newHandle()))
                .then().statusCode(409).contentType(PROBLEM)
                .body("type", equalTo("https://paddock.dev/problems/conflict"))
                .body("errors.field", containsInAnyOrder("email"))
                .body("errors[0].message", equalTo("is already registered"))
                .body("requestId", notNullValue())
                .body("instance", equalTo("/v1/auth/register"));
        post(newIp(), "/v1/auth/register", json("email", newHandle() + "@example.com", "password", STRONG_PASSWORD,
                "handle", ada.handle()))
                .then().statusCode(409).body("errors.field", containsInAnyOrder("handle"));
        post(newIp(), "/v1/auth/register", json("email", " " + ada.email() + " ", "password", STRONG_PASSWORD,
                "handle", ada.handle()))
                .then().statusCode(409).body("errors.field", containsInAnyOrder("email", "handle"));
    }

    @Test
    void unicodePasswordsAndNamesAreAcceptedAndNfcNfdLogInAlike() {
        String composed = Normalizer.normalize("Crème brûlée à Zürich " + EMOJI, Normalizer.Form.NFC);
        String decomposed = Normalizer.normalize(composed, Normalizer.Form.NFD);
        assertTrue(!composed.equals(decomposed));
        String handle = newHandle();
        post(newIp(), "/v1/auth/register", json("email", handle + "@example.com", "password", composed,
                "handle", handle, "displayName", "\u0622\u062f\u0627 \u0644\u0627\u0641\u0644\u0627\u0633 " + EMOJI))
                .then().statusCode(201)
                .body("user.displayName", equalTo("\u0622\u062f\u0627 \u0644\u0627\u0641\u0644\u0627\u0633 " + EMOJI));
        login(newIp(), handle + "@example.com", decomposed).then().statusCode(200);
        login(newIp(), handle + "@example.com", composed).then().statusCode(200);

        String emojiHandle = newHandle();
        post(newIp(), "/v1/auth/register", json("email", emojiHandle + "@example.com", "password", EMOJI.repeat(128),
                "handle", emojiHandle, "displayName", EMOJI.repeat(100)))
                .then().statusCode(201);
        login(newIp(), emojiHandle + "@example.com", EMOJI.repeat(128)).then().statusCode(200);
    }

    @Test
    void aNullDisplayNameIsStoredAsNone() {
        String handle = newHandle();
        post(newIp(), "/v1/auth/register", "{\"email\":\"" + handle + "@example.com\",\"password\":\"" + STRONG_PASSWORD
                + "\",\"handle\":\"" + handle + "\",\"displayName\":null}")
                .then().statusCode(201).body("user.displayName", org.hamcrest.Matchers.nullValue())
                .body("user", org.hamcrest.Matchers.hasKey("displayName"));
    }
}
