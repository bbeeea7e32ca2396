package io.paddock.ratelimit.edge;

import io.paddock.db.Migrations;
import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.db.Database;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The embedded PostgreSQL of the test JVM, reached the ways the edge code reaches it in production. */
final class EdgeStore {

    private static Database database;

    private EdgeStore() {
    }

    static String databaseUrl() {
        return PaddockStoresTestResource.stores().databaseUrl();
    }

    /** The functions' pool, built from the same settings a function gets, without a Quarkus app. */
    static synchronized Database database() {
        if (database == null) {
            SmallRyeConfig config = new SmallRyeConfigBuilder()
                    .withMapping(PaddockConfig.class)
                    // "2s" is Quarkus' duration syntax; outside a Quarkus app its converter must be named
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withSources(new PropertiesConfigSource(PaddockStoresTestResource.stores().configuration(), "embedded stores", 100))
                    .build();
            database = new Database(config.getConfigMapping(PaddockConfig.class));
        }
        return database;
    }

    /** A connection as the application role, which is all the scheduled sync is granted in production. */
    static Connection asApplication() throws SQLException {
        Connection c = Migrations.connect(databaseUrl());
        try (Statement s = c.createStatement()) {
            s.execute("SET ROLE paddock_app");
        }
        return c;
    }

    /** Every test starts from no offenders; the sync mirrors the whole table, so leftovers would show. */
    static void clear() throws SQLException {
        execute("DELETE FROM edge_blocks");
    }

    static void execute(String sql) throws SQLException {
        try (Connection c = asApplication(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static Instant blockedUntil(String ip) throws SQLException {
        try (Connection c = asApplication();
                PreparedStatement s = c.prepareStatement("SELECT blocked_until FROM edge_blocks WHERE ip = ?::inet")) {
            s.setString(1, ip);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1, OffsetDateTime.class).toInstant() : null;
            }
        }
    }

    /** The blocked addresses as PostgreSQL spells them back. */
    static List<String> blockedAddresses() throws SQLException {
        List<String> addresses = new ArrayList<>();
        try (Connection c = asApplication();
                PreparedStatement s = c.prepareStatement("SELECT host(ip) FROM edge_blocks ORDER BY ip");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                addresses.add(rs.getString(1));
            }
        }
        return addresses;
    }
}
