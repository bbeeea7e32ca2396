package io.paddock.local;

import io.paddock.embedded.EmbeddedStores;
import io.paddock.shared.http.HttpConventions;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./paddock local}: the four functions' routes in one plain HTTP server on 127.0.0.1, on
 * embedded PostgreSQL, Redis and DynamoDB Local (or on the servers named by DATABASE_URL, REDIS_URL,
 * DYNAMODB_ENDPOINT). A request here runs the same resources, filters and store code as in Lambda;
 * only the entry differs (Vert.x HTTP instead of the API Gateway event adapter).
 */
@QuarkusMain
public class LocalMain {

    /** Held (JUL keeps loggers weakly): the stores' own INFO chatter would bury the ready line. */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("org.flywaydb"),
            java.util.logging.Logger.getLogger("org.eclipse.jetty"),
            java.util.logging.Logger.getLogger("io.zonky"));

    public static void main(String... args) {
        HttpConventions.answerUnparsableTargetsHere(); // before Quarkus starts, as in Lambda (LambdaEntryPoint)
        List<String> arguments = List.of(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.println("usage: paddock local [--seed | --seed=big] [--fresh] [--behind-edge]   (PADDOCK_PORT, PADDOCK_DATA_DIR, "
                    + "DATABASE_URL, REDIS_URL, DYNAMODB_ENDPOINT, PADDOCK_EDGE_DIR)\n"
                    + "  --behind-edge  the origin of ./paddock edge: trusts one X-Forwarded-For hop (the edge's) and writes the "
                    + "active edge_blocks to the edge's offender list (PADDOCK_EDGE_DIR/offenders.conf) every 10 s\n"
                    + "  --seed      demo users ada, grace, linus (password paddock-demo-2026), entities, follows, posts\n"
                    + "  --seed=big  the demo data and 10,000 users big_00001… (same password), 1,000 entities, "
                    + "1,000,000 posts (loaded once, about a minute)");
            return;
        }
        boolean seedBig = arguments.contains("--seed=big") || arguments.contains("--seed-big");
        for (String argument : arguments) {
            if (argument.startsWith("--seed=") && !argument.equals("--seed=big")) {
                System.err.println("paddock local: unknown seed '" + argument.substring(7) + "' (--seed or --seed=big)");
                System.exit(2);
            }
        }
        if (arguments.contains("--new-signing-keys")) {
            // ./paddock keys: key material for a deployment (see README, Deploying).
            String keys = io.paddock.shared.auth.SigningKeys.generateJwks();
            System.out.println("# private JWK set: store it as the Secrets Manager secret (SigningKeysSecretArn)");
            System.out.println(keys);
            System.out.println("# public JWK set: the VerificationKeys parameter");
            System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                    io.paddock.shared.auth.SigningKeys.parse(Optional.of(keys), Optional.empty()).publicJwks()));
            return;
        }
        String port = env("PADDOCK_PORT").orElse("3000");
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            System.err.println("paddock local: PADDOCK_PORT must be a TCP port number, got '" + port + "'");
            System.exit(2);
        }
        Path dataDir = Path.of(env("PADDOCK_DATA_DIR").orElse(".paddock/data")).toAbsolutePath();
        if (arguments.contains("--fresh")) {
            LocalData.delete(dataDir);
        }
        Map<String, String> external = new HashMap<>();
        for (String name : List.of("DATABASE_URL", "REDIS_URL", "DYNAMODB_ENDPOINT")) {
            env(name).ifPresent(value -> external.put(name, value));
        }

        QUIET.forEach(logger -> logger.setLevel(java.util.logging.Level.WARNING));
        System.out.println("paddock local: starting stores (data in " + dataDir + ")");
        EmbeddedStores stores;
        try {
            stores = EmbeddedStores.start(new EmbeddedStores.Options(Optional.of(dataDir), external));
        } catch (RuntimeException e) {
            System.err.println("paddock local: a store did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stores::close, "paddock-local-stores-stop"));
        if (arguments.contains("--seed") || seedBig) {
            LocalData.seed(stores.databaseUrl());
        }
        if (seedBig) {
            LocalData.seedBig(stores.databaseUrl());
        }

        stores.configuration().forEach(System::setProperty);
        System.setProperty("paddock.env", "local");
        if (env("PADDOCK_AUTH_SIGNING_KEYS").isEmpty()) {
            System.setProperty("paddock.auth.signing-keys", LocalData.signingKeys(dataDir));
        }
        System.setProperty("quarkus.http.port", port);
        if (arguments.contains("--behind-edge")) {
            // Behind the edge stand-in as behind CloudFront: the edge appends the viewer, so the client is the
            // right-most X-Forwarded-For entry (in AWS API Gateway appends one more, hence 2 in template.yaml).
            System.setProperty("paddock.http.trusted-forwarded-hops", "1");
            Path offenders = Path.of(env("PADDOCK_EDGE_DIR").orElse(".paddock/edge")).toAbsolutePath().resolve("offenders.conf");
            new EdgeOffenderSync(stores.databaseUrl(), offenders).start(java.time.Duration.ofSeconds(10));
            System.out.println("paddock local: behind the edge (one trusted X-Forwarded-For hop; offenders to " + offenders + ")");
        }
        Quarkus.run(Ready.class, (code, failure) -> {
            if (failure != null) {
                // Quarkus wraps the reason ("Failed to start quarkus"): say the innermost one, e.g. which setting is wrong.
                Throwable reason = failure;
                while (reason.getCause() != null && reason.getCause() != reason) {
                    reason = reason.getCause();
                }
                System.err.println("paddock local: the API did not start: " + reason.getMessage());
            }
            stores.close();
            System.exit(code);
        }, args);
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }

    /** Runs once the HTTP server listens: the one line scripts and people wait for. */
    public static class Ready implements QuarkusApplication {
        @Override
        public int run(String... args) {
            String port = System.getProperty("quarkus.http.port", "3000");
            System.out.println("Paddock local API ready at http://127.0.0.1:" + port);
            System.out.flush();
            Quarkus.waitForExit();
            return 0;
        }
    }
}
