package io.paddock.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.UUID;

/**
 * Issue 17, simulation 1 — auth brute force. One address hammers POST /v1/auth/login with wrong passwords for
 * one account; the contract's auth limit is 20 a minute per address, so every attempt past the 20th of the run
 * (which stays inside one minute) must be a 429 — from the origin's limiter, its login back-off, or the edge —
 * and none may be a 5xx. Meanwhile the account's owner, from another address, registers and signs in normally.
 *
 * <p>Assertions: no request failed its check (statuses above), the owner's two requests succeeded.
 */
public class AuthBruteForceSimulation extends Simulation {

    static final String ATTACKER = Target.address("attacker", "198.51.100.66");
    static final String OWNER = Target.address("owner", "198.51.100.67");
    static final int AUTH_LIMIT = Target.number("authLimit", 20, 20);
    static final int ATTEMPTS = Target.number("attempts", 150, 40);
    static final Duration OVER = Target.seconds("seconds", 45, 4);

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String EMAIL = "owner-" + RUN + "@example.org";
    static final String PASSWORD = "owner-passphrase-" + RUN + "-kept-secret";

    HttpProtocolBuilder protocol = http.baseUrl(Target.BASE_URL)
            .contentTypeHeader("application/json")
            .acceptHeader("application/json");

    // One attacker sending its attempts one after another at a steady pace, so the limiter counts them in the
    // order they are numbered here: attempt i (from 0) past the limit must be refused.
    ScenarioBuilder attacker = scenario("attacker")
            .repeat(ATTEMPTS, "i").on(pace(OVER.dividedBy(ATTEMPTS))
                    .exec(http("login (attacker)").post("/v1/auth/login")
                            .header("X-Forwarded-For", ATTACKER)
                            .body(StringBody("{\"email\":\"" + EMAIL + "\",\"password\":\"wrong-#{i}\"}"))
                            .check(status().in(401, 429))
                            .checkIf(session -> session.getInt("i") >= AUTH_LIMIT).then(status().is(429))));

    ScenarioBuilder owner = scenario("owner")
            .exec(http("register (owner)").post("/v1/auth/register")
                    .header("X-Forwarded-For", OWNER)
                    .body(StringBody("{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\",\"handle\":\"owner_" + RUN + "\"}"))
                    .check(status().is(201)))
            .pause(Duration.ofSeconds(1))
            .exec(http("login (owner)").post("/v1/auth/login")
                    .header("X-Forwarded-For", OWNER)
                    .body(StringBody("{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}"))
                    .check(status().is(200)));

    {
        setUp(
                // The owner's account exists before the attack starts, so the attacker's failures are real ones.
                owner.injectOpen(atOnceUsers(1)),
                attacker.injectOpen(nothingFor(Duration.ofMillis(500)), atOnceUsers(1)))
                .protocols(protocol)
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("login (owner)").successfulRequests().count().is(1L),
                        details("login (attacker)").allRequests().count().gte((long) AUTH_LIMIT + 1));
    }
}
