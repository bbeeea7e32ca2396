package io.paddock.db.deploy;

import io.paddock.db.Migrations;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * What a Create or Update does: read the admin login, apply the migrations, then (when configured) bring
 * the application's login role in line with its secret; all within a time budget.
 *
 * <p>How the budget holds: the work runs on a thread of its own while the caller waits for it until the
 * budget is spent. Past that, every database connection the work opened is aborted (see
 * {@link AbortableConnections}): PostgreSQL rolls the migration in progress back and frees Flyway's lock,
 * and the caller reports {@link Failure} in time to answer CloudFormation before Lambda's own timeout would
 * kill the function with no answer sent.
 *
 * <p>Hazards: a migration that cannot run in a transaction (CREATE INDEX CONCURRENTLY) may be cut half-way;
 * Flyway records it as failed and the next deploy stops at it until repaired. The abandoned thread ends
 * when its aborted connection fails it, or stays frozen with the Lambda environment until then; it holds
 * no lock either way. Concurrent deploys serialise on Flyway's advisory lock, each within its own budget.
 */
final class SchemaDeployment {

    /** The schema after a successful run. */
    record Outcome(String schemaVersion, int applied, Optional<String> appLogin) {
    }

    /** A one-line reason fit for CloudFormation's console: no stack trace, no secret value. */
    static final class Failure extends Exception {
        Failure(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Map<String, String> env;
    private final Secrets secrets;
    /** Passwords read in this run, struck from any failure text as a last line of defence. */
    private final List<String> secretValues = new CopyOnWriteArrayList<>();
    /** Guarded by this: once abandoned, no connection may open, so nothing runs on after the answer. */
    private AbortableConnections connections;
    private boolean abandoned;

    SchemaDeployment(Map<String, String> env, Secrets secrets) {
        this.env = env;
        this.secrets = secrets;
    }

    Outcome run(Duration budget) throws Failure {
        if (budget.toMillis() < 1000) {
            throw new Failure("too little time left to migrate (" + budget.toMillis() + " ms); raise the function's timeout");
        }
        FutureTask<Outcome> task = new FutureTask<>(this::work);
        Thread worker = new Thread(task, "paddock-schema-deployment");
        worker.setDaemon(true);
        worker.start();
        try {
            return task.get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon();
            task.cancel(true);
            throw new Failure("did not finish within the " + Math.round(budget.toMillis() / 1000.0) + " s the function had left; "
                    + "its database sessions were cancelled and closed, so the migration in progress rolls back "
                    + "(raise the function's timeout, or migrate once with ./paddock migrate)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new Failure(redact(cause instanceof Failure ? cause.getMessage() : describe(cause)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while migrating");
        }
    }

    private Outcome work() throws Failure {
        DeploySettings settings = step("configuration", () -> DeploySettings.from(env));
        DatabaseLogin admin = step("admin secret " + settings.adminSecretId(), () -> read(settings.adminSecretId()));
        Optional<DatabaseLogin> appLogin = settings.appLoginSecretId().isEmpty() ? Optional.empty()
                : Optional.of(step("app login secret " + settings.appLoginSecretId().get(),
                        () -> read(settings.appLoginSecretId().get())));
        if (appLogin.isPresent() && appLogin.get().username().equals(admin.username())) {
            throw new Failure("app login secret names the admin user " + admin.username()
                    + "; the application needs a login of its own");
        }

        AbortableConnections database = open(settings.database().withOverrides(admin.username(), admin.password()));
        MigrateResult result = step("migrate", () -> Migrations.migrate(database));
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        if (appLogin.isPresent()) {
            step("app login role " + appLogin.get().username(), () -> {
                try (Connection c = database.getConnection()) {
                    AppLoginRole.ensure(c, appLogin.get());
                }
                return null;
            });
        }
        return new Outcome(version, result.migrationsExecuted, appLogin.map(DatabaseLogin::username));
    }

    private synchronized AbortableConnections open(Migrations.Target target) throws Failure {
        if (abandoned) {
            throw new Failure("abandoned: the deadline passed before connecting");
        }
        connections = new AbortableConnections(target);
        return connections;
    }

    private synchronized void abandon() {
        abandoned = true;
        if (connections != null) {
            connections.abortAll();
        }
    }

    private DatabaseLogin read(String secretId) {
        String value = secrets.secretString(secretId);
        DatabaseLogin login = DatabaseLogin.fromSecret(secretId, value);
        secretValues.add(login.password());
        return login;
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws Exception;
    }

    /** Runs one step; its failure becomes a {@link Failure} that says which step and why, in one line. */
    private <T> T step(String name, Step<T> step) throws Failure {
        try {
            return step.run();
        } catch (Exception | Error e) { // an Error too: CloudFormation must hear about it
            throw new Failure(redact(name + ": " + describe(e)));
        }
    }

    private static String describe(Throwable e) {
        // an Error's message (a class name, say) means little without its type; exceptions say enough
        return e instanceof Error ? e.getClass().getSimpleName() + ": " + Migrations.oneLine(e) : Migrations.oneLine(e);
    }

    private String redact(String text) {
        String result = text;
        for (String secret : secretValues) {
            result = result.replace(secret, "***");
        }
        return result;
    }
}
