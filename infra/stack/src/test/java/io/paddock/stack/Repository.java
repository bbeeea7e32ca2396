package io.paddock.stack;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are in the repository, from wherever Maven or an IDE starts the tests. */
public final class Repository {

    private Repository() {
    }

    /** The directory holding template.yaml and mvnw. */
    public static Path root() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with template.yaml and mvnw above " + start);
    }

    /** The SAM template that `sam deploy` deploys. */
    public static Path template() {
        return root().resolve("template.yaml");
    }

    /** This module's build directory, for files a test leaves behind to be read (logs, reports). */
    static Path buildDirectory() {
        return root().resolve("infra/stack/target");
    }
}
