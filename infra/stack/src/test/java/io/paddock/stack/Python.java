package io.paddock.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs python3 (this module's scripts, cfn-lint, moto_server) in an environment that reaches no real AWS
 * account: every inherited AWS_* variable is dropped, the credentials are fake, the AWS config and
 * credential files point at nothing, and the region is {@link #REGION}.
 *
 * <p>Output goes to temporary files rather than pipes, so a chatty process can never block on a full pipe;
 * every run is bounded by a timeout, after which the process and its children are killed.
 */
final class Python {

    /** The region of every translation and deploy; samtranslator needs one for ARNs and AWS::Region. */
    static final String REGION = "us-east-1";

    private Python() {
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    /** One of this module's scripts in src/test/python. */
    static Path script(String fileName) {
        return Repository.root().resolve("infra/stack/src/test/python").resolve(fileName);
    }

    /** python3 with these arguments; the process runs in the repository root. */
    static ProcessBuilder processBuilder(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add("python3");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(Repository.root().toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("AWS_"));
        Path nowhere = Repository.buildDirectory().resolve("no-aws-config-here");
        environment.put("AWS_CONFIG_FILE", nowhere.toString());
        environment.put("AWS_SHARED_CREDENTIALS_FILE", nowhere.toString());
        environment.put("AWS_ACCESS_KEY_ID", "testing");
        environment.put("AWS_SECRET_ACCESS_KEY", "testing");
        environment.put("AWS_DEFAULT_REGION", REGION);
        // __pycache__ beside the scripts would be left in the work tree
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        return builder;
    }

    /** Runs python3 with these arguments to the end, or kills it after the timeout and fails. */
    static Result run(Duration timeout, List<String> arguments) {
        try {
            Path stdout = Files.createTempFile("python-stdout", ".txt");
            Path stderr = Files.createTempFile("python-stderr", ".txt");
            try {
                Process process = processBuilder(arguments)
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    stop(process);
                    throw new IllegalStateException("python3 " + String.join(" ", arguments) + " did not finish within "
                            + timeout + "; its stderr:\n" + Files.readString(stderr, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                        Files.readString(stderr, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while python3 ran", e);
        }
    }

    /** Runs python3 and returns its stdout; fails with its stderr unless it exits with 0. */
    static String output(Duration timeout, List<String> arguments) {
        Result result = run(timeout, arguments);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("python3 " + String.join(" ", arguments) + " exited with " + result.exitCode()
                    + ":\n" + result.stderr());
        }
        return result.stdout();
    }

    /** SIGTERM to the process and its children, then SIGKILL to whatever is left after 5 s. */
    static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
