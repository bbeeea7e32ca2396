package io.paddock.db;

import io.paddock.shared.db.DatabaseUrl;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the Flyway migrations in {@code classpath:db/migration}; {@link #main} is {@code ./paddock migrate}.
 * Migrating twice is harmless (the second run applies nothing), and concurrent runs serialise on
 * Flyway's PostgreSQL advisory lock.
 */
public final class Migrations {

    public static final String LOCATION = "classpath:db/migration";

    private Migrations() {
    }

    public static MigrateResult migrate(DataSource dataSource) {
        return configure().dataSource(dataSource).load().migrate();
    }

    public static MigrateResult migrate(String jdbcUrl, String user, String password) {
        return configure().dataSource(jdbcUrl, user, password).load().migrate();
    }

    /** {@code databaseUrl} as in {@code DATABASE_URL}: postgres://, postgresql:// or jdbc:postgresql://. */
    public static MigrateResult migrate(String databaseUrl) {
        Target target = Target.parse(databaseUrl);
        return migrate(target.jdbcUrl(), target.user(), target.password());
    }

    /** A plain JDBC connection to {@code databaseUrl} (any of the forms {@link Target#parse} accepts). */
    public static Connection connect(String databaseUrl) throws SQLException {
        return Target.parse(databaseUrl).connect();
    }

    private static FluentConfiguration configure() {
        return Flyway.configure(Migrations.class.getClassLoader())
                .locations(LOCATION)
                .failOnMissingLocations(true)
                .validateMigrationNaming(true);
    }

    /** Held so the level set in {@link #main} sticks (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    public static void main(String[] args) {
        // The command prints its own summary; Flyway's per-step INFO lines would only bury it.
        FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(run(System.getenv(), System.out, System.err));
    }

    /** The deploy step: 0 when the database is at the latest version, else 1 (2 for bad configuration). */
    static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        Target target;
        try {
            String url = env.get("DATABASE_URL");
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("DATABASE_URL is not set (postgres://user:pass@host:5432/db)");
            }
            target = Target.parse(url).withOverrides(env.get("DATABASE_USER"), env.get("DATABASE_PASSWORD"));
        } catch (RuntimeException e) {
            err.println("paddock migrate: " + oneLine(e));
            return 2;
        }
        try {
            MigrateResult result = migrate(target.jdbcUrl(), target.user(), target.password());
            if (result.migrationsExecuted == 0) {
                out.println("paddock migrate: " + result.database + " is up to date at version "
                        + result.initialSchemaVersion + "; nothing applied");
            } else {
                out.println("paddock migrate: applied " + result.migrationsExecuted + " migration(s) to "
                        + result.database + ", now at version " + result.targetSchemaVersion);
                for (MigrateOutput m : result.migrations) {
                    out.println("  V" + m.version + " " + m.description + " (" + m.executionTime + " ms)");
                }
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("paddock migrate: failed: " + oneLine(e));
            return 1;
        }
    }

    /**
     * Flyway's messages span lines (a header, SQL state, location, the whole statement); operators get
     * one line with what matters: the message lines up to the statement text, then the root cause.
     */
    public static String oneLine(Throwable e) {
        List<String> parts = new ArrayList<>();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (String line : message.split("\\R")) {
            String l = line.strip();
            if (l.startsWith("Statement")) {
                break;
            }
            l = l.replaceAll("\\s+", " ");
            String value = l.replaceFirst("^[A-Za-z ]+ : ", "");
            boolean repeated = !value.isEmpty() && String.join(" ", parts).contains(value);
            if (!l.isEmpty() && !l.matches("[-=]+") && !l.equals("Error Code : 0") && !repeated) {
                parts.add(l);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null) {
            String cause = root.getMessage().strip().split("\\R", 2)[0].replaceAll("\\s+", " ");
            if (parts.stream().noneMatch(p -> p.contains(cause))) {
                parts.add("cause: " + cause);
            }
        }
        return String.join("; ", parts);
    }

    /** Where to connect: a JDBC URL plus credentials (null = whatever the URL or the driver says). */
    public record Target(String jdbcUrl, String user, String password) {

        /**
         * Accepts {@code postgres://user:pass@host:port/db?params}, the same with {@code postgresql://},
         * and {@code jdbc:postgresql://...} as it is. User and password may be percent-encoded; query
         * parameters (sslmode=require, ...) are passed to the driver unchanged.
         */
        public static Target parse(String databaseUrl) {
            DatabaseUrl url;
            try {
                url = DatabaseUrl.parse(databaseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("database URL " + e.getMessage(), e);
            }
            return new Target(url.jdbcUrl(), url.username().orElse(null), url.password().orElse(null));
        }

        /** DATABASE_USER / DATABASE_PASSWORD win over what the URL says, when set. */
        public Target withOverrides(String overrideUser, String overridePassword) {
            return new Target(jdbcUrl,
                    overrideUser == null || overrideUser.isBlank() ? user : overrideUser,
                    overridePassword == null || overridePassword.isEmpty() ? password : overridePassword);
        }

        public Connection connect() throws SQLException {
            return connect(new Properties());
        }

        /**
         * With driver settings ({@code connectTimeout}, {@code ApplicationName}, ...) as defaults: a parameter
         * the URL itself names wins, as pgjdbc reads URL parameters over properties.
         */
        public Connection connect(Properties settings) throws SQLException {
            return new DatabaseUrl(jdbcUrl, Optional.ofNullable(user), Optional.ofNullable(password)).connect(settings);
        }

        /** Never prints the password. */
        @Override
        public String toString() {
            return "Target[" + jdbcUrl + ", user=" + user + "]";
        }
    }
}
