package io.paddock.auth;

import static io.paddock.auth.AuthApi.login;
import static io.paddock.auth.AuthApi.newHandle;
import static io.paddock.auth.AuthApi.newIp;
import static io.paddock.auth.AuthApi.refresh;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.db.Database;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The security events of the auth routes in the audit trail: each sign-in, the failed sign-in that starts a
 * back-off (once per run of failures), and the reuse of a spent refresh token leave exactly one row; logout and the
 * other refusals leave none. On the real Lambda path and the embedded stores; each test has accounts and addresses
 * of its own and counts rows by them.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class AuditedSignInTest {

    @Inject
    Database database;

    @Inject
    RefreshTokenSettings refreshSettings;

    record Row(String action, UUID actor, String target, String clientAddress, String details) {
    }

    @Test
    void aRegistrationIsOneSignInRowCommittedWithTheAccount() throws SQLException {
        AuthApi.Account account = AuthApi.register();
        List<Row> rows = rowsFor(account.id());
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("auth.signed_in", rows.get(0).action());
        assertEquals(UUID.fromString(account.id()), rows.get(0).actor());
        assertEquals("{\"method\": \"registration\"}", rows.get(0).details());
        // The same e-mail again is a 409: no account, no sign-in.
        AuthApi.post(newIp(), "/v1/auth/register", AuthApi.json("email", account.email(), "password",
                AuthApi.STRONG_PASSWORD, "handle", newHandle())).then().statusCode(409);
        assertEquals(1, rowsFor(account.id()).size());
    }

    @Test
    void aLoginLeavesExactlyOneSignInRowFromItsAddress() throws SQLException {
        AuthApi.Account account = AuthApi.register();
        String ip = newIp();
        login(ip, account.email(), account.password()).then().statusCode(200);
        List<Row> rows = rowsFor(account.id());
        assertEquals(2, rows.size(), "registration and login: " + rows);
        Row signIn = rows.get(1);
        assertEquals("auth.signed_in", signIn.action());
        assertEquals(UUID.fromString(account.id()), signIn.actor());
        assertEquals(ip, signIn.clientAddress());
        assertEquals("{\"method\": \"password\"}", signIn.details());
    }

    @Test
    void theFailureThatStartsABackOffLeavesOneRowAndTheFailuresAfterItNone() throws SQLException {
        AuthApi.Account account = AuthApi.register();
        String ip = newIp();
        for (int failure = 1; failure <= 4; failure++) {
            login(ip, account.email(), "wrong " + failure).then().statusCode(401);
        }
        assertEquals(0, backoffRows(ip), "four failures start nothing (back-off from the 5th)");
        login(ip, account.email(), "wrong 5").then().statusCode(401);
        List<Row> rows = backoffRowsFor(ip);
        assertEquals(1, rows.size(), rows.toString());
        assertNull(rows.get(0).actor(), "nobody signed in did it");
        assertEquals(account.id(), rows.get(0).target());
        assertEquals("{\"backoffSeconds\": 1}", rows.get(0).details());
        // Refused while it waits (429, not counted), then failing again doubles the back-off: no new row.
        login(ip, account.email(), "wrong 6").then().statusCode(429);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> login(ip, account.email(), "wrong again").statusCode() == 401);
        assertEquals(1, backoffRows(ip), "once per run of failures");
        // Another address starts its own back-off: a row of its own.
        String other = newIp();
        for (int failure = 1; failure <= 5; failure++) {
            login(other, account.email(), "wrong " + failure).then().statusCode(401);
        }
        assertEquals(1, backoffRows(other));
    }

    @Test
    void aBackOffOnAnAddressWithNoAccountIsRecordedWithoutATarget() throws SQLException {
        String ip = newIp();
        String nobody = newHandle() + "@example.com";
        for (int failure = 1; failure <= 5; failure++) {
            login(ip, nobody, "wrong " + failure).then().statusCode(401);
        }
        List<Row> rows = backoffRowsFor(ip);
        assertEquals(1, rows.size(), rows.toString());
        assertNull(rows.get(0).target(), "no account, and the e-mail address is never stored");
    }

    @Test
    void reusingASpentRefreshTokenLeavesOneRowHoweverOftenItIsPresented() throws Exception {
        AuthApi.Account account = AuthApi.register();
        String spent = account.refreshToken();
        Response rotated = refresh(newIp(), spent);
        rotated.then().statusCode(200);
        Thread.sleep(refreshSettings.gracePeriod().toMillis() + 300);
        String ip = newIp();
        refresh(ip, spent).then().statusCode(401);
        refresh(newIp(), spent).then().statusCode(401);
        refresh(newIp(), rotated.path("refreshToken")).then().statusCode(401);
        List<Row> rows = rowsFor(account.id()).stream().filter(r -> r.action().equals("auth.refresh_token_reused")).toList();
        assertEquals(1, rows.size(), rows.toString());
        assertNull(rows.get(0).actor(), "the presenter may be the thief");
        assertEquals(ip, rows.get(0).clientAddress());
        assertEquals("{\"familyId\": \"" + spent.substring(0, spent.indexOf('.')) + "\"}", rows.get(0).details());
    }

    @Test
    void logoutAndASecretTheFamilyNeverIssuedLeaveNoRow() throws SQLException {
        AuthApi.Account account = AuthApi.register();
        String token = account.refreshToken();
        int secretAt = token.indexOf('.') + 1;
        String forged = token.substring(0, secretAt) + (token.charAt(secretAt) == 'A' ? 'B' : 'A') + token.substring(secretAt + 1);
        refresh(newIp(), forged).then().statusCode(401);
        AuthApi.from(newIp()).auth().oauth2(account.accessToken()).body(AuthApi.json("refreshToken", token))
                .post("/v1/auth/logout").then().statusCode(204);
        assertEquals(List.of("auth.signed_in"), rowsFor(account.id()).stream().map(Row::action).toList());
    }

    private List<Row> rowsFor(String target) throws SQLException {
        return rows("target_id = ?", target);
    }

    private List<Row> backoffRowsFor(String ip) throws SQLException {
        return rows("action = 'auth.sign_in_backoff_started' AND client_address = ?::inet", ip);
    }

    private int backoffRows(String ip) throws SQLException {
        return backoffRowsFor(ip).size();
    }

    /** Rows matching {@code where} (one parameter), oldest first. */
    private List<Row> rows(String where, String value) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT action, actor_id, target_id, host(client_address), "
                        + "details::text FROM audit_events WHERE " + where + " ORDER BY at, id")) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
        }
        return rows;
    }
}
