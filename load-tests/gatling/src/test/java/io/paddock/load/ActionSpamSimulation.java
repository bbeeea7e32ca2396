package io.paddock.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 17, simulation 3 — action spam. One signed-in user posts actions (POST /v1/posts/{id}/actions, like and
 * save in turn, a fresh Idempotency-Key each, so no answer is a replay) one after another as fast as it can, for
 * less than one limiter window. The category is {@code mutation}: 20 a minute per user (rate-limits.yaml), so
 * once 20 were admitted every later request must be a 429 — from the limiter, or the edge once the user's address is
 * on the offender list — and none a 5xx (before that, the per-second burst of 10 may refuse some with a 429 too). Meanwhile other users, each at its own address, act on the
 * same post at a few a minute: every one of their actions must succeed (204).
 *
 * <p>Users are registered by the simulation (fresh accounts, so nothing earlier counts against them) and one of
 * them publishes the post acted on. Assertions: no request failed its check (the statuses above), the spammer sent
 * more than its limit, and every other user's action was a 204.
 */
public class ActionSpamSimulation extends Simulation {

    static final int MUTATION_LIMIT = Target.number("mutationLimit", 20, 20);
    /** Under one 60 s window, so the limit is every request past the 20th of the run. */
    static final Duration OVER = Target.seconds("seconds", 45, 5);
    static final int OTHERS = Target.number("others", 5, 3);
    static final int ACTIONS_PER_OTHER = Target.number("actionsPerOther", 6, 2);
    static final String SPAMMER_ADDRESS = Target.address("spammer", "198.51.100.70");
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    static volatile Api.SignedIn spammer;
    static final List<Api.SignedIn> OTHER_USERS = new ArrayList<>();
    static volatile String postId;
    static final AtomicInteger NEXT_OTHER = new AtomicInteger();
    static final Figures FIGURES = new Figures();

    @Override
    public void before() {
        String password = "spam-passphrase-" + RUN + "-kept-secret";
        spammer = Api.register("spammer-" + RUN + "@example.org", password, "spammer_" + RUN, SPAMMER_ADDRESS);
        for (int i = 0; i < OTHERS; i++) {
            OTHER_USERS.add(Api.register("other-" + i + "-" + RUN + "@example.org", password, "other" + i + "_" + RUN,
                    "198.51.100." + (80 + i)));
        }
        postId = Api.publish(OTHER_USERS.get(0), "Action spam target " + RUN);
    }

    HttpProtocolBuilder protocol = http.baseUrl(Target.BASE_URL)
            .contentTypeHeader("application/json")
            .acceptHeader("application/json");

    ScenarioBuilder spam = scenario("spammer")
            .exec(session -> session.set("i", 0).set("admitted", 0))
            .during(OVER).on(
                    exec(session -> session.set("type", session.getInt("i") % 2 == 0 ? "like" : "save"))
                            .exec(http("action (spammer)").post(session -> "/v1/posts/" + postId + "/actions")
                                    .header("Authorization", session -> "Bearer " + spammer.accessToken())
                                    .header("X-Forwarded-For", SPAMMER_ADDRESS)
                                    .header("Idempotency-Key", session -> "spam-" + RUN + "-" + session.getInt("i"))
                                    .body(StringBody("{\"type\":\"#{type}\"}"))
                                    .check(status().in(204, 429).saveAs("status"))
                                    .check(header("X-Cache").withDefault("NONE").saveAs("cache"))
                                    // Once the window's 20 were admitted, every later action is past the limit. Not "the
                                    // 21st attempt": the per-second burst refuses some of the first 20, which the window
                                    // does not count.
                                    .checkIf(session -> session.getInt("admitted") >= MUTATION_LIMIT).then(status().is(429)))
                            .exec(session -> {
                                int status = session.getInt("status");
                                FIGURES.count("spammer " + status + " " + session.getString("cache"));
                                return session.set("i", session.getInt("i") + 1)
                                        .set("admitted", session.getInt("admitted") + (status == 204 ? 1 : 0));
                            }));

    ScenarioBuilder others = scenario("other users")
            .exec(session -> {
                Api.SignedIn user = OTHER_USERS.get(NEXT_OTHER.getAndIncrement() % OTHER_USERS.size());
                return session.set("token", user.accessToken()).set("address", user.address());
            })
            .repeat(ACTIONS_PER_OTHER, "k").on(pace(OVER.dividedBy(ACTIONS_PER_OTHER + 1))
                    .exec(http("action (other user)").post(session -> "/v1/posts/" + postId + "/actions")
                            .header("Authorization", "Bearer #{token}")
                            .header("X-Forwarded-For", "#{address}")
                            .header("Idempotency-Key", session -> "other-" + RUN + "-" + session.userId() + "-" + session.getInt("k"))
                            .body(StringBody(session -> "{\"type\":\"" + (session.getInt("k") % 2 == 0 ? "like" : "save") + "\"}"))
                            .check(status().is(204))));

    {
        setUp(
                spam.injectOpen(atOnceUsers(1)),
                others.injectOpen(nothingFor(Duration.ofMillis(300)), atOnceUsers(OTHERS)))
                .protocols(protocol)
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("action (spammer)").allRequests().count().gt((long) MUTATION_LIMIT),
                        details("action (other user)").successfulRequests().count().is((long) OTHERS * ACTIONS_PER_OTHER));
    }

    @Override
    public void after() {
        Map<String, Long> spammed = FIGURES.counts("spammer ");
        long sent = spammed.values().stream().mapToLong(Long::longValue).sum();
        Figures.write("action-spam", String.format(
                "action spam: the spammer sent %d actions in %d s (%.0f/s), answered (status X-Cache; PASS reached the origin, BLOCKED is the edge's offender list) %s (limit %d a minute); %d other users' %d actions meanwhile%n",
                sent, OVER.toSeconds(), sent / (double) OVER.toSeconds(), spammed, MUTATION_LIMIT, OTHERS, OTHERS * ACTIONS_PER_OTHER));
    }
}
