package io.paddock.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A moto_server (moto's emulation of the AWS APIs, one account, in memory) on 127.0.0.1 and a free port,
 * started as {@code python3 -m moto.server} and stopped by {@link #close()}. Its log goes to a file, whose
 * end a failing test can show ({@link #logTail}): moto reports a resource it could not create as an HTTP 500
 * to the client and the Python traceback only there.
 *
 * <p>The port is chosen by binding port 0 and releasing it, so another process may take it first; the start
 * then fails (moto exits) and is retried on a new port, at most {@value #START_ATTEMPTS} times.
 */
final class MotoServer implements AutoCloseable {

    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path log;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static MotoServer start(Path log) {
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                Files.createDirectories(log.getParent());
                Process process = Python.processBuilder(List.of("-m", "moto.server", "-H", "127.0.0.1", "-p", String.valueOf(port)))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                MotoServer server = new MotoServer(process, port, log);
                if (server.awaitReady()) {
                    return server;
                }
                server.close();
                failure = new IllegalStateException("moto_server on port " + port + " was not ready within " + READY_WITHIN
                        + " (attempt " + attempt + "); its log:\n" + server.logTail(30));
            } catch (IOException e) {
                throw new UncheckedIOException("could not start python3 -m moto.server", e);
            }
        }
        throw failure;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The last lines of moto_server's log. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            Python.stop(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Polls moto's own API until it answers, the process dies, or READY_WITHIN passes. */
    private boolean awaitReady() {
        HttpRequest request = HttpRequest.newBuilder(endpoint().resolve("/moto-api/")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            while (System.nanoTime() < deadline && process.isAlive()) {
                try {
                    if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return true;
                    }
                } catch (IOException notListeningYet) {
                    // try again until the deadline
                }
                Thread.sleep(100);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
