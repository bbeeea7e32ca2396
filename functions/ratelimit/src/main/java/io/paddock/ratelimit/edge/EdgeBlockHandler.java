package io.paddock.ratelimit.edge;

import com.amazonaws.services.lambda.runtime.Context;
import io.paddock.shared.db.DirectLogin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduled (EventBridge, every minute) entry of the ratelimit zip: mirrors the active rows of
 * edge_blocks into the WAF IP set(s) of the CloudFront web ACL and forgets expired blocks. Deliberately
 * not a Quarkus app: a cron job needs one JDBC connection and one WAF client, not the HTTP stack, so
 * its cold start stays small. Signs in as the functions do ({@link DirectLogin}: DATABASE_URL,
 * DATABASE_USER, an IAM token or DATABASE_PASSWORD), and reads:
 * <ul>
 * <li>PADDOCK_EDGE_IP_SET_NAME, PADDOCK_EDGE_IP_SET_ID: the IPv4 IP set (scope CLOUDFRONT), required;
 * <li>PADDOCK_EDGE_IPV6_IP_SET_NAME, PADDOCK_EDGE_IPV6_IP_SET_ID: the IPv6 IP set, optional (both or
 * neither); without it IPv6 offenders are counted as skipped.
 * </ul>
 */
public class EdgeBlockHandler {

    static final String IP_SET_NAME = "PADDOCK_EDGE_IP_SET_NAME";
    static final String IP_SET_ID = "PADDOCK_EDGE_IP_SET_ID";
    static final String IPV6_IP_SET_NAME = "PADDOCK_EDGE_IPV6_IP_SET_NAME";
    static final String IPV6_IP_SET_ID = "PADDOCK_EDGE_IPV6_IP_SET_ID";

    /** What the handler needs from the environment, checked as a whole. */
    record Settings(DirectLogin database, WafIpSetBlocklist.IpSet ipv4,
            Optional<WafIpSetBlocklist.IpSet> ipv6) {

        /** @throws IllegalArgumentException listing every problem, each naming its variable */
        static Settings from(Map<String, String> env) {
            List<String> problems = new ArrayList<>();
            DirectLogin database = null;
            try {
                database = DirectLogin.fromEnvironment(env);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            WafIpSetBlocklist.IpSet ipv4 = ipSet(env, IP_SET_NAME, IP_SET_ID, "IPv4", problems);
            WafIpSetBlocklist.IpSet ipv6 = null;
            if (isSet(env, IPV6_IP_SET_NAME) || isSet(env, IPV6_IP_SET_ID)) {
                ipv6 = ipSet(env, IPV6_IP_SET_NAME, IPV6_IP_SET_ID, "IPv6", problems);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid configuration: " + String.join("; ", problems));
            }
            return new Settings(database, ipv4, Optional.ofNullable(ipv6));
        }

        private static WafIpSetBlocklist.IpSet ipSet(Map<String, String> env, String nameKey, String idKey,
                String version, List<String> problems) {
            int before = problems.size();
            for (String key : new String[] {nameKey, idKey}) {
                if (!isSet(env, key)) {
                    problems.add(key + " is not set (the " + version + " WAF IP set of the CloudFront web ACL, "
                            + "scope CLOUDFRONT)");
                }
            }
            if (problems.size() > before) {
                return null;
            }
            try {
                return new WafIpSetBlocklist.IpSet(env.get(nameKey).strip(), env.get(idKey).strip());
            } catch (IllegalArgumentException e) {
                problems.add(nameKey + "/" + idKey + ": " + e.getMessage());
                return null;
            }
        }

        private static boolean isSet(Map<String, String> env, String key) {
            String value = env.get(key);
            return value != null && !value.isBlank();
        }

        /** Never prints the password. */
        @Override
        public String toString() {
            return "Settings[" + database + ", ipv4=" + ipv4 + ", ipv6=" + ipv6 + "]";
        }
    }

    private final Settings settings;
    private final EdgeBlocklist blocklist;

    /**
     * Lambda creates the handler once per container, during init: a bad setting fails the init with a
     * message naming the variable, before any schedule fires against it.
     */
    public EdgeBlockHandler() {
        this(Settings.from(System.getenv()));
    }

    private EdgeBlockHandler(Settings settings) {
        this(settings, new WafIpSetBlocklist(WafIpSetBlocklist.client(), settings.ipv4(), settings.ipv6()));
    }

    EdgeBlockHandler(Settings settings, EdgeBlocklist blocklist) {
        this.settings = settings;
        this.blocklist = blocklist;
    }

    /**
     * Lambda calls this by name (Handler: io.paddock.ratelimit.edge.EdgeBlockHandler::handleRequest). The
     * class does not implement RequestStreamHandler on purpose: Quarkus would take it for a second
     * handler of the HTTP app and refuse to build.
     */
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String json = run(Instant.now());
        System.out.println(json);
        output.write(json.getBytes(StandardCharsets.UTF_8));
    }

    /** One sync as of {@code now}; the report as a JSON line. */
    String run(Instant now) {
        EdgeBlockSync.Report report;
        try (Connection connection = connect(settings)) {
            report = new EdgeBlockSync().sync(connection, blocklist, now);
        } catch (SQLException e) {
            // Fail the invocation so the function's error metric sees it; the next minute retries anyway.
            throw new IllegalStateException("edge block sync failed: " + e.getMessage(), e);
        }
        return "{\"now\":\"" + now + "\",\"expired\":" + report.expired() + ",\"added\":" + report.added().size()
                + ",\"removed\":" + report.removed().size() + ",\"unchanged\":" + report.unchanged().size()
                + ",\"skipped\":" + report.skipped().size() + ",\"replaced\":" + report.replaced() + "}";
    }

    static Connection connect(Settings settings) throws SQLException {
        return settings.database().open(Duration.ofSeconds(20));
    }
}
