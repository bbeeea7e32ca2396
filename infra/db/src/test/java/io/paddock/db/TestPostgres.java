package io.paddock.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL 17 for the whole test JVM (started on first use, stopped by its shutdown hook),
 * bound to 127.0.0.1. Test classes isolate themselves with a fresh database each, which costs
 * milliseconds instead of a server start. Roles are cluster-wide, so paddock_app is shared.
 */
final class TestPostgres {

    static final String HOST = "127.0.0.1";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    static synchronized int port() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", HOST)
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setRegisterShutdownHook(true)
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
        }
        return server.getPort();
    }

    static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /** A connection as the bootstrap superuser {@code postgres}. */
    static Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
    }

    /** A new, empty database owned by {@code owner} (null: postgres); returns its name. */
    static String createDatabase(String prefix, String owner) {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + (owner == null ? "" : " OWNER " + owner));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return name;
    }

    /** A fresh database with every migration applied (as postgres). */
    static String migratedDatabase(String prefix) {
        String name = createDatabase(prefix, null);
        Migrations.migrate(jdbcUrl(name), "postgres", "");
        return name;
    }

    static void execute(String database, String sql) {
        try (Connection c = superuser(database); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
