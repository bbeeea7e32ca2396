package io.paddock.ratelimit.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.wafv2.Wafv2Client;

/**
 * The part of the AWS WAF API that the edge sync uses (GetIPSet, UpdateIPSet with lock tokens), served
 * on 127.0.0.1 in WAF's JSON 1.1 protocol, because WAF has no local edition. The real SDK client talks
 * to it, so requests and errors go through the SDK's own marshalling. Its behaviour follows the WAF API
 * reference: every update needs the current lock token and gets a new one; a stale token is a
 * WAFOptimisticLockException.
 */
final class WafApiStandIn implements AutoCloseable {

    static final class IpSet {
        final String name;
        final String id;
        final String version;
        final String description;
        List<String> addresses = new ArrayList<>();
        String lockToken = UUID.randomUUID().toString();

        IpSet(String name, String id, String version, String description) {
            this.name = name;
            this.id = id;
            this.version = version;
            this.description = description;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, IpSet> sets = new LinkedHashMap<>();
    /** Operations received, e.g. "GetIPSet paddock-edge-v4", in order. */
    final List<String> calls = new ArrayList<>();
    /** The last UpdateIPSet body per IP set name. */
    final Map<String, JsonNode> lastUpdate = new LinkedHashMap<>();
    /** How many of the next updates another writer gets in before (adding {@link #otherWritersAddress}). */
    int interferingWriters;
    String otherWritersAddress = "192.0.2.250/32";

    WafApiStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    IpSet add(String name, String id, String version, String description, String... addresses) {
        IpSet set = new IpSet(name, id, version, description);
        set.addresses.addAll(List.of(addresses));
        sets.put(id, set);
        return set;
    }

    Wafv2Client client() {
        return WafIpSetBlocklist.client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
        IpSet set = sets.get(request.path("Id").asText());
        calls.add(operation + " " + request.path("Name").asText());
        if (set == null || !set.name.equals(request.path("Name").asText()) || !"CLOUDFRONT".equals(request.path("Scope").asText())) {
            error(exchange, "WAFNonexistentItemException", "AWS WAF couldn't perform the operation because your resource doesn't exist.");
            return;
        }
        switch (operation) {
            case "GetIPSet" -> {
                ObjectNode body = JSON.createObjectNode();
                ObjectNode ipSet = body.putObject("IPSet");
                ipSet.put("Name", set.name).put("Id", set.id).put("ARN", "arn:aws:wafv2:us-east-1:123456789012:global/ipset/"
                        + set.name + "/" + set.id).put("IPAddressVersion", set.version);
                if (set.description != null) {
                    ipSet.put("Description", set.description);
                }
                set.addresses.forEach(ipSet.putArray("Addresses")::add);
                body.put("LockToken", set.lockToken);
                respond(exchange, 200, body);
            }
            case "UpdateIPSet" -> {
                if (interferingWriters > 0) {
                    interferingWriters--;
                    set.addresses.add(otherWritersAddress);
                    set.lockToken = UUID.randomUUID().toString();
                }
                if (!set.lockToken.equals(request.path("LockToken").asText())) {
                    error(exchange, "WAFOptimisticLockException", "AWS WAF couldn't save your changes because you tried to "
                            + "update or delete a resource that has changed since you last retrieved it.");
                    return;
                }
                lastUpdate.put(set.name, request);
                set.addresses = new ArrayList<>();
                request.path("Addresses").forEach(a -> set.addresses.add(a.asText()));
                set.lockToken = UUID.randomUUID().toString();
                respond(exchange, 200, JSON.createObjectNode().put("NextLockToken", set.lockToken));
            }
            default -> error(exchange, "WAFInvalidOperationException", "unsupported here: " + operation);
        }
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        respond(exchange, 400, JSON.createObjectNode().put("__type", type).put("Message", message));
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    synchronized List<String> addressesOf(String id) {
        return List.copyOf(sets.get(id).addresses);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
