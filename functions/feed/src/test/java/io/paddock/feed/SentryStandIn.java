package io.paddock.feed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP endpoint in place of Sentry's ingest: it keeps every envelope posted to
 * /api/42/envelope/ and points the function at itself through {@code paddock.sentry.dsn}.
 */
public class SentryStandIn implements QuarkusTestResourceLifecycleManager {

    static final String PROJECT_ID = "42";
    private static final Queue<String> ENVELOPES = new ConcurrentLinkedQueue<>();

    private HttpServer server;

    static List<String> envelopes() {
        return List.copyOf(ENVELOPES);
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/api/" + PROJECT_ID + "/envelope/", this::envelope);
        server.start();
        return Map.of(
                "paddock.sentry.dsn", "http://publickey@127.0.0.1:" + server.getAddress().getPort() + "/" + PROJECT_ID,
                "paddock.sentry.sample-rate", "1.0");
    }

    private void envelope(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            ENVELOPES.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
