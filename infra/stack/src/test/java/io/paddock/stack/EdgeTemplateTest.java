package io.paddock.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.embedded.CloudFormationTemplate;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * infra/edge/waf.yaml, the us-east-1 stack of CloudFront's WAF web ACL, as CloudFormation reads it: its
 * scope and region, its rate-based rules held to the limiter's shipped policies
 * (shared/src/main/resources/paddock/rate-limits.yaml), the managed rules, the offender IP sets, and its
 * outputs held to the parameters template.yaml takes from it.
 */
class EdgeTemplateTest {

    /**
     * Each rate-based rule of the web ACL and the limiter categories whose requests it counts (by its
     * scope-down statement: method and path). Every category of rate-limits.yaml is in exactly one.
     */
    private static final Map<String, List<String>> RULE_CATEGORIES = Map.of(
            "rate-auth", List.of("auth"),
            "rate-write", List.of("write", "mutation", "upload"),
            "rate-telemetry", List.of("telemetry"),
            "rate-read", List.of("read", "search"),
            "rate-admin", List.of("admin"));

    /**
     * Keys one address may carry at the edge (a carrier NAT, an office): an edge rule allows this many
     * times the highest per-key limit of its categories, over the limiter's window (waf.yaml says so).
     */
    private static final int KEYS_PER_ADDRESS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode edge;
    private static JsonNode webAcl;

    @BeforeAll
    static void read() {
        edge = JSON.valueToTree(CloudFormationTemplate.read(Repository.root().resolve("infra/edge/waf.yaml")).document());
        Map<String, JsonNode> acls = Templates.resourcesOfType(edge, "AWS::WAFv2::WebACL");
        assertEquals(1, acls.size(), "web ACLs in waf.yaml");
        webAcl = acls.values().iterator().next().path("Properties");
    }

    @Test
    void theWebAclIsACloudFrontOneAndTheTemplateRefusesAnyRegionButUsEast1() {
        assertEquals("CLOUDFRONT", webAcl.path("Scope").asText());
        Templates.resourcesOfType(edge, "AWS::WAFv2::IPSet").forEach((id, set) ->
                assertEquals("CLOUDFRONT", set.at("/Properties/Scope").asText(), id));
        // A rule without a RuleCondition holds for every deploy: its assertion fails the stack before any
        // resource is created.
        JsonNode usEast1Only = JSON.valueToTree(Map.of("Fn::Equals", List.of(Map.of("Ref", "AWS::Region"), "us-east-1")));
        List<String> refusing = new ArrayList<>();
        edge.path("Rules").properties().forEach(rule -> {
            if (rule.getValue().path("RuleCondition").isMissingNode()) {
                for (JsonNode assertion : rule.getValue().path("Assertions")) {
                    if (assertion.path("Assert").equals(usEast1Only)) {
                        refusing.add(rule.getKey());
                    }
                }
            }
        });
        assertEquals(1, refusing.size(), "rules that refuse a region other than us-east-1: " + edge.path("Rules"));
    }

    @Test
    void eachLimiterCategoryGroupHasOneRateRuleAllowingTenKeysOfItsCategoriesPerAddressOverTheLimitersWindow()
            throws IOException {
        ShippedPolicies policies = ShippedPolicies.read();
        Set<String> grouped = new TreeSet<>();
        RULE_CATEGORIES.values().forEach(categories -> categories.forEach(category ->
                assertTrue(grouped.add(category), category + " is counted by two edge rules")));
        assertEquals(policies.limits().keySet(), grouped, "limiter categories without an edge rule (or rules for categories"
                + " the limiter no longer has): left rate-limits.yaml, right the edge rules' groups");

        Map<String, JsonNode> rateRules = new TreeMap<>();
        for (JsonNode rule : webAcl.path("Rules")) {
            if (rule.at("/Statement/RateBasedStatement").isObject()) {
                rateRules.put(rule.path("Name").asText(), rule);
            }
        }
        assertEquals(RULE_CATEGORIES.keySet(), rateRules.keySet(), "one rate-based rule per category group");

        RULE_CATEGORIES.forEach((name, categories) -> {
            JsonNode statement = rateRules.get(name).at("/Statement/RateBasedStatement");
            assertEquals("IP", statement.path("AggregateKeyType").asText(), name + " counts per client address");
            assertEquals(policies.windowSeconds(), statement.path("EvaluationWindowSec").asInt(),
                    name + "'s window against the limiter's window of rate-limits.yaml");
            int perKey = categories.stream().mapToInt(category -> policies.limits().get(category)).max().orElseThrow();
            JsonNode limit = statement.path("Limit");
            assertEquals(KEYS_PER_ADDRESS * perKey, resolvedNumber(limit), name + ": " + KEYS_PER_ADDRESS
                    + " x the highest per-key limit of " + categories + " (" + perKey + ") in rate-limits.yaml");
            // The parameter's description is what an operator sees in the console: it quotes the limits it derives from.
            String description = edge.at("/Parameters/" + limit.path("Ref").asText() + "/Description").asText();
            for (String category : categories) {
                assertTrue(description.contains(category + " " + policies.limits().get(category))
                                || description.contains(category + ", " + policies.limits().get(category)),
                        name + "'s parameter description should quote " + category + "'s limit: " + description);
            }
            assertTrue(description.contains("default " + KEYS_PER_ADDRESS + " x " + perKey), description);
            assertTrue(rateRules.get(name).at("/Action/Block").isObject(), name + " only counts");
        });
    }

    @Test
    void theAwsManagedCommonRuleSetBlocks() {
        JsonNode common = null;
        for (JsonNode rule : webAcl.path("Rules")) {
            JsonNode group = rule.at("/Statement/ManagedRuleGroupStatement");
            if ("AWS".equals(group.path("VendorName").asText()) && "AWSManagedRulesCommonRuleSet".equals(group.path("Name").asText())) {
                common = rule;
            }
        }
        assertNotNull(common, "no AWSManagedRulesCommonRuleSet in the web ACL");
        // Count instead of None would only log what the rule set matches.
        assertTrue(common.at("/OverrideAction/None").isObject(), "the rule set's own actions apply: " + common.path("OverrideAction"));
    }

    @Test
    void offenderIpSetsForIpv4AndIpv6ExistAndTheWebAclBlocksTheirAddresses() {
        Map<String, String> versions = new TreeMap<>();
        Templates.resourcesOfType(edge, "AWS::WAFv2::IPSet").forEach((id, set) ->
                versions.put(set.at("/Properties/IPAddressVersion").asText(), id));
        assertEquals(Set.of("IPV4", "IPV6"), versions.keySet());
        versions.forEach((version, id) -> {
            boolean blocked = false;
            for (JsonNode rule : webAcl.path("Rules")) {
                if (Templates.refersTo(rule.at("/Statement/IPSetReferenceStatement/Arn"), id)) {
                    blocked = rule.at("/Action/Block").isObject();
                }
            }
            assertTrue(blocked, "no rule blocks the addresses of " + id);
        });
    }

    @Test
    void theOutputsAreExactlyWhatTemplateYamlTakesFromTheEdgeStack() {
        JsonNode app = JSON.valueToTree(CloudFormationTemplate.read(Repository.template()).document());
        Set<String> taken = new TreeSet<>();
        app.path("Parameters").fieldNames().forEachRemaining(name -> {
            if (name.equals("WebAclArn") || name.startsWith("EdgeIp")) {
                taken.add(name);
            }
        });
        Set<String> given = new TreeSet<>();
        edge.path("Outputs").fieldNames().forEachRemaining(given::add);
        assertEquals(taken, given, "left: template.yaml's edge parameters, right: waf.yaml's outputs");

        // What each one is: template.yaml puts WebAclArn on the distribution and builds
        // global/ipset/<name>/<id> ARNs from the set parameters.
        String ipv4 = ipSet("IPV4");
        String ipv6 = ipSet("IPV6");
        Map<String, JsonNode> expected = new HashMap<>();
        expected.put("WebAclArn", getAtt(onlyResource("AWS::WAFv2::WebACL"), "Arn"));
        expected.put("EdgeIpSetName", edge.at("/Resources/" + ipv4 + "/Properties/Name"));
        expected.put("EdgeIpSetId", getAtt(ipv4, "Id"));
        expected.put("EdgeIpv6SetName", edge.at("/Resources/" + ipv6 + "/Properties/Name"));
        expected.put("EdgeIpv6SetId", getAtt(ipv6, "Id"));
        expected.forEach((output, value) -> {
            assertFalse(value.isMissingNode(), output);
            assertEquals(value, edge.at("/Outputs/" + output + "/Value"), output);
        });
        assertTrue(app.at("/Parameters/EdgeIpSetName/Description").asText().contains("IPv4"));
        assertTrue(app.at("/Parameters/EdgeIpv6SetName/Description").asText().contains("IPv6"));
    }

    private static String ipSet(String version) {
        return Templates.resourcesOfType(edge, "AWS::WAFv2::IPSet").entrySet().stream()
                .filter(set -> version.equals(set.getValue().at("/Properties/IPAddressVersion").asText()))
                .map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    private static String onlyResource(String type) {
        Map<String, JsonNode> resources = Templates.resourcesOfType(edge, type);
        assertEquals(1, resources.size(), type);
        return resources.keySet().iterator().next();
    }

    private static JsonNode getAtt(String resource, String attribute) {
        return JSON.valueToTree(Map.of("Fn::GetAtt", List.of(resource, attribute)));
    }

    /** A number, or a Ref to a parameter: its default (what `sam deploy --config-env edge` deploys). */
    private static int resolvedNumber(JsonNode value) {
        if (value.has("Ref")) {
            JsonNode parameter = edge.at("/Parameters/" + value.get("Ref").asText());
            assertEquals("Number", parameter.path("Type").asText(), value.toString());
            return parameter.path("Default").asInt();
        }
        assertTrue(value.canConvertToInt(), value.toString());
        return value.asInt();
    }

    /** The window and the per-key limit of each category, from the policies the functions ship with. */
    private record ShippedPolicies(int windowSeconds, Map<String, Integer> limits) {

        private static final Pattern DURATION = Pattern.compile("(\\d+)([smh])");

        @SuppressWarnings("unchecked")
        static ShippedPolicies read() throws IOException {
            Map<String, Object> root;
            try (Reader in = Files.newBufferedReader(
                    Repository.root().resolve("shared/src/main/resources/paddock/rate-limits.yaml"), StandardCharsets.UTF_8)) {
                root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            }
            Matcher window = DURATION.matcher(String.valueOf(root.get("window")));
            assertTrue(window.matches(), "window: " + root.get("window"));
            int seconds = Integer.parseInt(window.group(1)) * switch (window.group(2)) {
                case "m" -> 60;
                case "h" -> 3600;
                default -> 1;
            };
            Map<String, Integer> limits = new TreeMap<>();
            ((Map<String, Map<String, Object>>) root.get("categories")).forEach((category, policy) ->
                    limits.put(category, ((Number) policy.get("limit")).intValue()));
            return new ShippedPolicies(seconds, limits);
        }
    }
}
