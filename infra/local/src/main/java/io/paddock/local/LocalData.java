package io.paddock.local;

import io.paddock.db.Migrations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/** The local stack's data directory and its optional demo data. */
final class LocalData {

    private static final String SEED = "seed/demo.sql";

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
        String sql;
        try (InputStream in = LocalData.class.getClassLoader().getResourceAsStream(SEED)) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection connection = Migrations.connect(databaseUrl);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
            System.out.println("paddock local: demo data in place (" + SEED + ")");
        } catch (SQLException e) {
            throw new IllegalStateException("seeding failed: " + e.getMessage(), e);
        }
    }
}
