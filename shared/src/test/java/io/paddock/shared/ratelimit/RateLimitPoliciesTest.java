package io.paddock.shared.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitPoliciesTest {

    @Test
    void shippedPoliciesAreTheContractsDefaults() {
        RateLimitPolicies p = RateLimitPolicies.load(Optional.empty());
        assertEquals(Duration.ofSeconds(60), p.window());
        assertEquals(20, p.policy(Category.AUTH).limit());
        assertEquals(100, p.policy(Category.READ).limit());
        assertEquals(30, p.policy(Category.WRITE).limit());
        assertEquals(20, p.policy(Category.MUTATION).limit());
        assertEquals(600, p.policy(Category.TELEMETRY).limit());
        for (Category c : Category.values()) {
            assertTrue(p.policy(c).burst() >= 1, c + " has a burst limit");
        }
        assertTrue(p.policy(Category.READ).failOpen());
        assertFalse(p.policy(Category.AUTH).failOpen());
        assertFalse(p.policy(Category.WRITE).failOpen());
        assertFalse(p.policy(Category.MUTATION).failOpen());
        assertEquals(50, p.offenders().rejections());
        assertEquals(Duration.ofMinutes(5), p.offenders().within());
    }

    @Test
    void aDeploymentOverridesOnlyWhatItNames() {
        RateLimitPolicies p = RateLimitPolicies.load(Optional.of("{categories: {read: {limit: 300}}, tiers: {partner: 10}}"));
        assertEquals(300, p.policy(Category.READ).limit());
        assertEquals(25, p.policy(Category.READ).burst(), "the burst of read is still the shipped one");
        assertEquals(20, p.policy(Category.AUTH).limit());
        assertEquals(10.0, p.tierMultiplier("partner"));
        assertEquals(1.0, p.tierMultiplier("user"));
    }

    @Test
    void mistakesAreRefusedAtLoadNamingTheKey() {
        assertMessage("categories.read.limit", "{categories: {read: {limit: 0}}}");
        assertMessage("categories.read.limit", "{categories: {read: {limit: many}}}");
        assertMessage("categories.reads is not a category", "{categories: {reads: {limit: 5, burst: 1, whenStoresDown: open}}}");
        assertMessage("whenStoresDown", "{categories: {auth: {whenStoresDown: maybe}}}");
        assertMessage("window", "{window: 0s}");
        assertMessage("window", "{window: forever}");
        assertMessage("tiers.gold", "{tiers: {gold: -1}}");
        assertMessage("not valid YAML", "{categories: [");
        assertMessage("not valid YAML", "{window: 60s, window: 30s}");
        assertMessage("must be a mapping", "- a list");
    }

    /** So that a cold start reads it with the JSON parser already loaded, never loading a YAML parser for it. */
    @Test
    void theShippedFileIsJsonWithCommentsAndTheSameAsYaml() throws Exception {
        String shipped;
        try (var in = RateLimitPolicies.class.getClassLoader().getResourceAsStream(RateLimitPolicies.SHIPPED)) {
            shipped = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Object asJson = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                        com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_YAML_COMMENTS)
                .build().readValue(shipped, Object.class);
        Object asYaml = new org.yaml.snakeyaml.Yaml().load(shipped);
        assertEquals(asYaml, asJson);
    }

    @Test
    void anOverrideInYamlBlockStyleOrInStrictJsonIsReadToo() {
        RateLimitPolicies yaml = RateLimitPolicies.load(Optional.of("window: 5s\ncategories:\n  read:\n    limit: 7\n"));
        assertEquals(Duration.ofSeconds(5), yaml.window());
        assertEquals(7, yaml.policy(Category.READ).limit());
        RateLimitPolicies json = RateLimitPolicies.load(Optional.of("{\"categories\": {\"read\": {\"limit\": 8}}}"));
        assertEquals(8, json.policy(Category.READ).limit());
        assertMessage("not valid YAML", "{\"window\": \"60s\", \"window\": \"30s\"}");
    }

    @Test
    void scaledLimitsNeverDropBelowOne() {
        assertEquals(1, RateLimitPolicies.scaled(20, 0.001));
        assertEquals(100, RateLimitPolicies.scaled(20, 5));
        assertEquals(30, RateLimitPolicies.scaled(20, 1.5));
    }

    private static void assertMessage(String expected, String yaml) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RateLimitPolicies.load(Optional.of(yaml)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
