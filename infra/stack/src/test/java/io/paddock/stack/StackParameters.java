package io.paddock.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Parameter values for translating and deploying a template in tests: one value for every parameter the
 * template declares, so that translation, deploy and {@link DeployTimeValues} all see the same ones.
 *
 * <p>A parameter listed in {@link #FOR_TEST_DEPLOY} gets that value; one with a default gets the default;
 * any other gets a value made up from its type. A new parameter therefore needs no change here unless its
 * type is one {@link #madeUp} does not know, or a made-up value would not do.
 */
public final class StackParameters {

    /**
     * Values a test deploy gives to the parameters that have no default, or whose default would leave part
     * of the stack out (the edge IP set: without it EdgeBlockSyncFunction is not created; and so the NAT it needs).
     */
    static final Map<String, Object> FOR_TEST_DEPLOY = Map.ofEntries(
            Map.entry("Stage", "staging"),
            Map.entry("OriginVerifySecret", "0123456789abcdef0123456789abcdef0123456789abcdef"),
            Map.entry("SigningKeysSecretArn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:paddock-signing-AbCdEf"),
            Map.entry("VerificationKeys", "{\"keys\":[]}"),
            Map.entry("CorsOrigins", "https://app.paddock.test"),
            Map.entry("WebAclArn", "arn:aws:wafv2:us-east-1:123456789012:global/webacl/paddock-edge/11111111-2222-3333-4444-555555555555"),
            Map.entry("EdgeIpSetName", "paddock-edge-offenders-v4"),
            Map.entry("EdgeIpSetId", "11111111-2222-3333-4444-555555555555"),
            // Edge blocking calls the WAF API, which the created VPC reaches only through its NAT (template rule
            // EdgeBlockingNeedsEgress).
            Map.entry("InternetEgress", "nat"));

    private static Map<String, Object> forRepositoryTemplate;

    private StackParameters() {
    }

    /** Values for every parameter of the repository's template.yaml (worked out once per test JVM). */
    public static Map<String, Object> forTestDeploy() {
        synchronized (StackParameters.class) {
            if (forRepositoryTemplate == null) {
                forRepositoryTemplate = Collections.unmodifiableMap(forTestDeploy(Repository.template()));
            }
            return forRepositoryTemplate;
        }
    }

    /** Values for every parameter of this SAM template (translated once, with none, to read its Parameters). */
    public static Map<String, Object> forTestDeploy(Path samTemplate) {
        return forTestDeploy(SamTranslation.translate(samTemplate, Map.of()).path("Parameters"));
    }

    /** Values for every parameter in this Parameters section (of a SAM or a translated template). */
    public static Map<String, Object> forTestDeploy(JsonNode parameters) {
        Map<String, Object> values = new LinkedHashMap<>();
        parameters.properties().forEach(entry -> {
            String name = entry.getKey();
            JsonNode spec = entry.getValue();
            if (FOR_TEST_DEPLOY.containsKey(name)) {
                values.put(name, FOR_TEST_DEPLOY.get(name));
            } else if (spec.has("Default")) {
                values.put(name, asValue(spec.get("Default")));
            } else {
                values.put(name, madeUp(name, spec));
            }
        });
        return values;
    }

    /** A parameter value as the tests pass it: a String, or a List of Strings for a list type. */
    static Object asValue(JsonNode value) {
        if (value.isArray()) {
            return StreamSupport.stream(value.spliterator(), false).map(JsonNode::asText).toList();
        }
        return value.asText();
    }

    private static Object madeUp(String name, JsonNode spec) {
        String type = spec.path("Type").asText();
        if (spec.has("AllowedValues")) {
            return spec.get("AllowedValues").get(0).asText();
        }
        return switch (type) {
            case "String" -> "test-" + name;
            case "Number" -> spec.has("MinValue") ? spec.get("MinValue").asText() : "1";
            case "CommaDelimitedList" -> List.of("test-" + name);
            case "AWS::EC2::VPC::Id" -> "vpc-0123456789abcdef0";
            case "AWS::EC2::Subnet::Id" -> "subnet-0123456789abcdef0";
            case "AWS::EC2::SecurityGroup::Id" -> "sg-0123456789abcdef0";
            case "List<AWS::EC2::Subnet::Id>" -> List.of("subnet-0123456789abcdef0");
            case "List<AWS::EC2::SecurityGroup::Id>" -> List.of("sg-0123456789abcdef0");
            default -> throw new IllegalArgumentException("no test value for parameter " + name + " of type " + type
                    + ": give it one in StackParameters.FOR_TEST_DEPLOY");
        };
    }
}
