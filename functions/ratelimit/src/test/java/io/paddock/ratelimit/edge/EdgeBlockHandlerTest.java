package io.paddock.ratelimit.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.ratelimit.EdgeOffenders;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduled handler: its configuration, and one run end to end (PostgreSQL, SDK, the WAF stand-in). */
class EdgeBlockHandlerTest {

    private static final String V4_ID = "a1b2c3d4-5678-90ab-cdef-000000000004";

    @BeforeEach
    void noOffenders() throws SQLException {
        EdgeStore.clear();
    }

    private static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>(Map.of(
                "DATABASE_URL", EdgeStore.databaseUrl(),
                EdgeBlockHandler.IP_SET_NAME, "paddock-edge-v4",
                EdgeBlockHandler.IP_SET_ID, V4_ID));
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    @Test
    void aRunMirrorsTheOffendersIntoTheWafIpSetAndReportsWhatItDid() throws Exception {
        new EdgeOffenders(EdgeStore.database()).record("203.0.113.50", Duration.ofMinutes(10));
        try (WafApiStandIn waf = new WafApiStandIn()) {
            waf.add("paddock-edge-v4", V4_ID, "IPV4", null, "203.0.113.99/32");
            EdgeBlockHandler.Settings settings = EdgeBlockHandler.Settings.from(env());
            EdgeBlockHandler handler = new EdgeBlockHandler(settings,
                    new WafIpSetBlocklist(waf.client(), settings.ipv4(), settings.ipv6()));

            Instant now = Instant.now();
            String first = handler.run(now);
            String second = handler.run(now.plusSeconds(60));

            assertEquals("{\"now\":\"" + now + "\",\"expired\":0,\"added\":1,\"removed\":1,\"unchanged\":0,\"skipped\":0,"
                    + "\"replaced\":true}", first);
            assertTrue(second.endsWith("\"added\":0,\"removed\":0,\"unchanged\":1,\"skipped\":0,\"replaced\":false}"), second);
            assertEquals(List.of("203.0.113.50/32"), waf.addressesOf(V4_ID));
        }
    }

    @Test
    void settingsNameEveryMissingOrMalformedVariable() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> EdgeBlockHandler.Settings.from(Map.of()));
        for (String key : new String[] {"DATABASE_URL", "PADDOCK_EDGE_IP_SET_NAME", "PADDOCK_EDGE_IP_SET_ID"}) {
            assertTrue(none.getMessage().contains(key), none.getMessage());
        }
        assertFalse(none.getMessage().contains("IPV6"), "the IPv6 set is optional: " + none.getMessage());

        IllegalArgumentException badId = assertThrows(IllegalArgumentException.class,
                () -> EdgeBlockHandler.Settings.from(env(EdgeBlockHandler.IP_SET_ID, "not-an-id")));
        assertTrue(badId.getMessage().contains("PADDOCK_EDGE_IP_SET_ID") && badId.getMessage().contains("not-an-id"),
                badId.getMessage());

        IllegalArgumentException halfIpv6 = assertThrows(IllegalArgumentException.class,
                () -> EdgeBlockHandler.Settings.from(env(EdgeBlockHandler.IPV6_IP_SET_NAME, "paddock-edge-v6")));
        assertTrue(halfIpv6.getMessage().contains("PADDOCK_EDGE_IPV6_IP_SET_ID is not set"), halfIpv6.getMessage());

        IllegalArgumentException secretUrl = assertThrows(IllegalArgumentException.class,
                () -> EdgeBlockHandler.Settings.from(env("DATABASE_URL", "mysql://root:hunter2@db/x")));
        assertFalse(secretUrl.getMessage().contains("hunter2"), secretUrl.getMessage());
    }

    @Test
    void bothIpSetsAndCredentialOverridesAreRead() {
        EdgeBlockHandler.Settings settings = EdgeBlockHandler.Settings.from(env(
                EdgeBlockHandler.IPV6_IP_SET_NAME, "paddock-edge-v6",
                EdgeBlockHandler.IPV6_IP_SET_ID, "a1b2c3d4-5678-90ab-cdef-000000000006",
                "DATABASE_USER", "edge_sync", "DATABASE_PASSWORD", "s3cret"));
        assertEquals("paddock-edge-v6", settings.ipv6().orElseThrow().name());
        assertTrue(settings.database().toString().contains("user=edge_sync"), settings.database().toString());
        assertFalse(settings.toString().contains("s3cret"), settings.toString());
    }

    @Test
    void inAwsTheSyncSignsInWithAnIamTokenOverTls() {
        EdgeBlockHandler.Settings settings = EdgeBlockHandler.Settings.from(env(
                "DATABASE_URL", "jdbc:postgresql://proxy.example.internal:5432/paddock",
                "DATABASE_USER", "paddock_fn", "DATABASE_IAM_AUTH", "true", "AWS_REGION", "eu-west-1"));
        assertTrue(settings.database().usesIamTokens());
        assertTrue(settings.database().jdbcUrl().endsWith("?sslmode=require"), settings.database().jdbcUrl());

        IllegalArgumentException withPassword = assertThrows(IllegalArgumentException.class, () -> EdgeBlockHandler.Settings.from(env(
                "DATABASE_URL", "jdbc:postgresql://proxy.example.internal:5432/paddock", "DATABASE_IAM_AUTH", "true",
                "AWS_REGION", "eu-west-1", "DATABASE_PASSWORD", "s3cret")));
        assertTrue(withPassword.getMessage().contains("DATABASE_PASSWORD"), withPassword.getMessage());
        assertFalse(withPassword.getMessage().contains("s3cret"), withPassword.getMessage());
    }
}
