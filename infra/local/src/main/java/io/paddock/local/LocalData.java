package io.paddock.local;

import io.paddock.db.Migrations;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/** The local stack's data directory and its optional demo and volume data. */
final class LocalData {

    private static final String SEED = "seed/demo.sql";
    private static final String BIG = "seed/big.sql";
    /** big.sql commits all its rows or none, so its first user stands for all of them. */
    static final String FIRST_BIG_USER = "01900b16-0000-7000-8000-000000000001";

    /** How much big.sql generates (it reads these as paddock.seed.* settings). */
    record BigScale(int users, int entities, int posts) {
        static final BigScale FULL = new BigScale(10_000, 1_000, 1_000_000);
    }

    private LocalData() {
    }

    /** {@code --fresh}: forget everything the local stack stored before. */
    static void delete(Path dataDir) {
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dataDir, e);
        }
    }

    /**
     * The local stack's token signing key: generated at the first start and kept under the data
     * directory, so tokens stay valid across restarts. In AWS the key comes from Secrets Manager.
     */
    static String signingKeys(Path dataDir) {
        Path file = dataDir.resolve("signing-keys.json");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                Files.writeString(file, io.paddock.shared.auth.SigningKeys.generateJwks());
                try {
                    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // best effort on non-POSIX file systems
                }
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** {@code --seed}: demo users, entities, follows and posts; running it twice changes nothing. */
    static void seed(String databaseUrl) {
        String sql = resource(SEED);
        try (Connection connection = Migrations.connect(databaseUrl);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
            System.out.println("paddock local: demo data in place (" + SEED + ")");
        } catch (SQLException e) {
            throw new IllegalStateException("seeding failed: " + e.getMessage(), e);
        }
    }

    /** {@code --seed=big}: the volume data of big.sql at full scale (about a minute on 2 cores). */
    static void seedBig(String databaseUrl) {
        seedBig(databaseUrl, BigScale.FULL, System.out);
    }

    /**
     * Loads big.sql at {@code scale} unless its data is already there; prints how long it took.
     *
     * @return false when it was already there (nothing done)
     */
    static boolean seedBig(String databaseUrl, BigScale scale, PrintStream out) {
        String sql = resource(BIG);
        try (Connection connection = Migrations.connect(databaseUrl);
                Statement statement = connection.createStatement()) {
            try (PreparedStatement present = connection.prepareStatement("SELECT 1 FROM users WHERE id = ?::uuid")) {
                present.setString(1, FIRST_BIG_USER);
                try (ResultSet rs = present.executeQuery()) {
                    if (rs.next()) {
                        out.println("paddock local: big data already in place (" + BIG + "), not loaded again");
                        return false;
                    }
                }
            }
            out.printf("paddock local: loading big data (%,d users, %,d entities, %,d posts and their follows, "
                    + "targets, likes); the API starts when it is done%n", scale.users(), scale.entities(), scale.posts());
            long start = System.nanoTime();
            connection.setAutoCommit(false);
            try (PreparedStatement settings = connection.prepareStatement("SELECT set_config('paddock.seed.users', ?, true), "
                    + "set_config('paddock.seed.entities', ?, true), set_config('paddock.seed.posts', ?, true)")) {
                settings.setString(1, Integer.toString(scale.users()));
                settings.setString(2, Integer.toString(scale.entities()));
                settings.setString(3, Integer.toString(scale.posts()));
                settings.execute();
            }
            statement.execute(sql);
            connection.commit();
            long loaded = System.nanoTime();
            connection.setAutoCommit(true);
            // Fresh statistics for the planner and a visibility map for index-only scans now, rather than
            // whenever autovacuum gets round to a million new rows (VACUUM cannot run in the transaction).
            statement.execute("VACUUM (ANALYZE) users, entities, user_follows, entity_follows, user_blocks, posts, "
                    + "post_targets, post_actions");
            long done = System.nanoTime();
            out.printf("paddock local: big data in place (%s) in %.1f s (insert %.1f s, vacuum and analyze %.1f s)%n",
                    BIG, (done - start) / 1e9, (loaded - start) / 1e9, (done - loaded) / 1e9);
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("big seeding failed: " + e.getMessage(), e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = LocalData.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
