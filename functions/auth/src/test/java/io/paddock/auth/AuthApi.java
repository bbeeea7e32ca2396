package io.paddock.auth;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test helpers for the auth routes. Limits live in Redis for the whole test JVM, so every test uses
 * its own client addresses (X-Forwarded-For; the tests act as the one trusted edge hop) and its own
 * accounts, and no test depends on another's requests or on their order.
 */
final class AuthApi {

    static final String PROBLEM = "application/problem+json";
    static final String STRONG_PASSWORD = "correct horse battery staple";
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));

    private AuthApi() {
    }

    /** A client address no other test uses. */
    static String newIp() {
        int n = NEXT.incrementAndGet();
        return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    /** A handle (and e-mail local part) no other test uses. */
    static String newHandle() {
        return "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    static RequestSpecification from(String ip) {
        return given().header("X-Forwarded-For", ip).contentType(ContentType.JSON);
    }

    static Response post(String ip, String path, String json) {
        return from(ip).body(json).when().post(path);
    }

    static String json(String... keyValues) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < keyValues.length; i += 2) {
            b.append(i == 0 ? "" : ",").append('"').append(keyValues[i]).append("\":");
            String v = keyValues[i + 1];
            b.append(v == null ? "null" : '"' + escape(v) + '"');
        }
        return b.append('}').toString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A registered account: its address, handle, password, and the first session's response. */
    record Account(String email, String handle, String password, Response session) {
        String accessToken() {
            return session.path("accessToken");
        }

        String refreshToken() {
            return session.path("refreshToken");
        }

        String id() {
            return session.path("user.id");
        }
    }

    static Account register() {
        return register(STRONG_PASSWORD);
    }

    static Account register(String password) {
        String handle = newHandle();
        String email = handle + "@Example.COM";
        Response r = post(newIp(), "/v1/auth/register", json("email", email, "password", password, "handle", handle));
        r.then().statusCode(201);
        return new Account(handle + "@example.com", handle, password, r);
    }

    static Response login(String ip, String email, String password) {
        return post(ip, "/v1/auth/login", json("email", email, "password", password));
    }

    static Response refresh(String ip, String refreshToken) {
        return post(ip, "/v1/auth/refresh", json("refreshToken", refreshToken));
    }

    static Response me(String accessToken) {
        return given().header("X-Forwarded-For", newIp()).auth().oauth2(accessToken).when().get("/v1/auth/me");
    }
}
