package io.paddock.bench.lambda;

import java.nio.file.Path;
import java.util.List;

/**
 * One function.zip the cold-start harness runs, the request it sends (the same one for the first and every
 * warm invocation) and what a right answer looks like.
 *
 * @param name          the table's row
 * @param zip           the artifact, as built
 * @param handler       what the template (or, for the baselines, their packaging) names as the handler
 * @param method        HTTP method of the request
 * @param path          path of the request
 * @param signedIn      whether the request carries a bearer token of the demo user grace
 * @param checkPointer  a JSON pointer into the answer's body
 * @param expected      what must be there; {@code null}: anything but null or missing
 */
record Subject(String name, Path zip, String handler, String method, String path, boolean signedIn,
        String checkPointer, String expected) {

    static final String QUARKUS_HELLO = "Quarkus hello";
    static final String QUARKUS_STORES = "Quarkus + stores";

    /**
     * The three baselines, then the four functions, each with a request of its own that reaches its stores (every
     * route also runs the rate limiter, which calls Redis): the demo data of infra/local is loaded first.
     */
    static List<Subject> all(Path root) {
        return List.of(
                new Subject("plain handler", root.resolve("load-tests/lambda/plain-handler/target/function.zip"),
                        "io.paddock.bench.lambda.plain.PlainHandler::handleRequest", "GET", "/hello", false,
                        "/hello", "plain"),
                new Subject(QUARKUS_HELLO, root.resolve("load-tests/lambda/quarkus-hello/target/function.zip"),
                        DeployedFunction.QUARKUS_HANDLER, "GET", "/hello", false, "/hello", "quarkus"),
                // the hello plus one read of each store, through the clients the functions use: their I/O floor
                new Subject(QUARKUS_STORES, root.resolve("load-tests/lambda/quarkus-stores/target/function.zip"),
                        DeployedFunction.QUARKUS_HANDLER, "GET", "/hello", false, "/hello", "stores"),
                // the caller's account, read from PostgreSQL; the token checked against Redis' revocations
                new Subject("auth", root.resolve("functions/auth/target/function.zip"),
                        DeployedFunction.HANDLER, "GET", "/v1/auth/me", true, "/user/handle", "grace"),
                // a public profile feed: PostgreSQL, then the Redis page cache
                new Subject("feed", root.resolve("functions/feed/target/function.zip"),
                        DeployedFunction.HANDLER, "GET", "/v1/feed/users/grace", false, "/items/0/author/handle", "grace"),
                // the caller's standing in every category, from Redis
                new Subject("ratelimit", root.resolve("functions/ratelimit/target/function.zip"),
                        DeployedFunction.HANDLER, "GET", "/v1/rate-limits", true, "/categories/read/windowSeconds", "60"),
                // the caller's own events: PostgreSQL under row-level security
                new Subject("telemetry", root.resolve("functions/telemetry/target/function.zip"),
                        DeployedFunction.HANDLER, "GET", "/v1/events", true, "/items", null));
    }

    /** A name usable in a file name and as AWS_LAMBDA_FUNCTION_NAME. */
    String functionName() {
        return "paddock-cold-start-" + name.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }
}
