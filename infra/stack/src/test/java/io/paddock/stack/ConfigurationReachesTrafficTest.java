package io.paddock.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A deploy that changes only configuration (a parameter such as VerificationKeys or CorsOrigins) must reach
 * the traffic: API Gateway and the schedules invoke the {@code live} alias, which points at a published
 * version, and a published version's environment never changes. SAM's AutoPublishAlias publishes a new
 * version only when its hash of the function's properties changes, and that hash does not resolve parameter
 * values (SAM issues #1640, #3820) — so a configuration-only deploy would leave the alias on the old
 * configuration. The template closes that gap with a {@code Custom::ConfigDigest} resource that takes every
 * configuration parameter as a property and answers a digest of them, and each function's
 * {@code VersionDescription: !Sub 'config ${ConfigDigest.Digest}'}: a changed Description replaces the
 * {@code AWS::Lambda::Version}, which publishes a new version and moves the alias.
 *
 * <p>So, per configuration parameter: two translations that differ only in it, the digest resource's
 * properties resolved as CloudFormation would send them, the digest function's own inline code run on each
 * (the real code, not a copy), and every published version of every function that reads configuration must
 * get a different Description, behind its live alias. Identical parameters must give an identical digest, or
 * every deploy would publish new versions for nothing.
 */
class ConfigurationReachesTrafficTest {

    /** Realistic changed values for parameters whose made-up change would look odd; others: {@link #changed}. */
    private static final Map<String, Object> CHANGED = Map.of(
            "VerificationKeys", "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"next\",\"use\":\"sig\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
            "CorsOrigins", "https://app.paddock.test,https://admin.paddock.test",
            "RateLimitPolicies", "{categories: {read: {limit: 300}}}");

    private static final String SERVICE_TOKEN_PREFIX = "arn:aws:lambda:us-east-1:123456789012:function:";

    private static Map<String, Object> baseValues;
    private static JsonNode baseline;
    /** Parameter -> the translation with only that parameter changed. */
    private static final Map<String, JsonNode> changedTranslations = new TreeMap<>();
    private static final Map<String, Map<String, Object>> changedValues = new TreeMap<>();
    private static JsonNode repeated;

    @BeforeAll
    static void translateWithEachConfigurationParameterChanged() {
        baseValues = StackParameters.forTestDeploy();
        JsonNode first = SamTranslation.translate(baseValues);
        Set<String> parameters = configDigestOf(first) != null
                ? DeployTimeValues.parametersReferencedBy(digestProperties(first, configDigestOf(first)), first)
                : parametersReadByFunctions(first);

        List<Map<String, Object>> parameterSets = new ArrayList<>(List.of(baseValues, baseValues));
        for (String parameter : parameters) {
            Map<String, Object> values = new LinkedHashMap<>(baseValues);
            values.put(parameter, changed(parameter, first.path("Parameters").path(parameter), baseValues.get(parameter)));
            changedValues.put(parameter, values);
            parameterSets.add(values);
        }
        List<JsonNode> translations = SamTranslation.translateEach(Repository.template(), parameterSets);
        baseline = translations.get(0);
        repeated = translations.get(1);
        List<String> names = List.copyOf(changedValues.keySet());
        for (int i = 0; i < names.size(); i++) {
            changedTranslations.put(names.get(i), translations.get(i + 2));
        }
        printVersionIds();
    }

    @Test
    void everyConfigurationParameterChangesTheDescriptionOfEveryPublishedVersion() {
        String digestId = requireConfigDigest();
        InlineHandler digestFunction = InlineHandler.behind(baseline, digestId);
        Set<String> digested = DeployTimeValues.parametersReferencedBy(digestProperties(baseline, digestId), baseline);

        // A function invoked through an alias runs a published version, whose environment is fixed: those are
        // the ones configuration must reach by a new version. ($LATEST takes a new environment as it is.)
        Map<String, Set<String>> readBy = parametersReadByEachFunction(baseline);
        readBy.keySet().retainAll(functionsInvokedThroughAnAlias(baseline));
        readBy.remove(digestFunction.functionLogicalId());
        Set<String> notDigested = new TreeSet<>();
        readBy.values().forEach(notDigested::addAll);
        notDigested.removeAll(digested);
        assertTrue(notDigested.isEmpty(), "parameters that functions invoked through an alias read but " + digestId
                + " does not take, so changing them publishes no new version: " + notDigested);

        Set<String> versioned = readBy.keySet();
        Set<String> apiFunctions = functionsBehindApiGateway(baseline);
        assertFalse(apiFunctions.isEmpty(), "no function behind an API Gateway permission: the template changed shape");
        assertTrue(versioned.containsAll(apiFunctions), "API functions " + apiFunctions + " should all be invoked through"
                + " an alias and read configuration; those that are: " + versioned);

        List<String> parameters = List.copyOf(changedTranslations.keySet());
        List<JsonNode> requests = new ArrayList<>(List.of(digestRequest(baseline, baseValues, digestId)));
        parameters.forEach(p -> requests.add(digestRequest(changedTranslations.get(p), changedValues.get(p), digestId)));
        List<JsonNode> responses = digestFunction.respond(requests);
        Map<String, String> baseAttributes = attributes(digestId, responses.get(0));

        for (int i = 0; i < parameters.size(); i++) {
            String parameter = parameters.get(i);
            JsonNode translation = changedTranslations.get(parameter);
            assertNotEquals(requests.get(0).get("ResourceProperties"), requests.get(i + 1).get("ResourceProperties"),
                    parameter + " changed but " + digestId + "'s resolved properties did not");
            Map<String, String> changedAttributes = attributes(digestId, responses.get(i + 1));
            assertNotEquals(baseAttributes, changedAttributes, parameter + " changed but the digest did not: " + changedAttributes);

            for (String function : versioned) {
                Map<String, String> before = versionDescriptions(baseline, function, baseValues, baseAttributes);
                Map<String, String> after = versionDescriptions(translation, function, changedValues.get(parameter), changedAttributes);
                assertFalse(after.isEmpty(), function + " publishes no version once " + parameter + " changed");
                after.forEach((versionId, description) -> {
                    assertNotEquals(before.get(versionId), description, function + "'s version " + versionId
                            + " keeps its Description when " + parameter + " changes: no new version would be published");
                    assertLiveAliasPointsAt(translation, function, versionId);
                });
            }
            System.out.printf("%s changed: %s %s -> %s; a new version Description, behind the live alias, for %s%n",
                    parameter, digestId, baseAttributes.values(), changedAttributes.values(), versioned);
        }
    }

    @Test
    void identicalConfigurationGivesAnIdenticalDigest() {
        String digestId = requireConfigDigest();
        InlineHandler digestFunction = InlineHandler.behind(baseline, digestId);

        JsonNode first = digestRequest(baseline, baseValues, digestId);
        JsonNode second = digestRequest(repeated, baseValues, digestId);
        List<JsonNode> responses = digestFunction.respond(List.of(first, second));

        assertEquals(first.get("ResourceProperties"), second.get("ResourceProperties"));
        assertEquals("SUCCESS", responses.get(0).path("Status").asText(), responses.get(0).toString());
        assertEquals(attributes(digestId, responses.get(0)), attributes(digestId, responses.get(1)),
                "the same configuration gave two digests: every deploy would publish new versions");
    }

    // ---- the template's parts ----

    private static String requireConfigDigest() {
        String digestId = configDigestOf(baseline);
        if (digestId == null) {
            fail("template has no ConfigDigest (a Custom::ConfigDigest resource): a deploy that changes only"
                    + " configuration publishes no new version, and the live alias keeps serving the old configuration"
                    + " (see this class's javadoc)");
        }
        return digestId;
    }

    private static String configDigestOf(JsonNode template) {
        Set<String> digests = Templates.resourcesOfType(template, "Custom::ConfigDigest").keySet();
        assertTrue(digests.size() <= 1, "more than one Custom::ConfigDigest: " + digests);
        return digests.isEmpty() ? null : digests.iterator().next();
    }

    private static JsonNode digestProperties(JsonNode template, String digestId) {
        ObjectNode properties = template.path("Resources").path(digestId).path("Properties").deepCopy();
        properties.remove("ServiceToken");
        return properties;
    }

    /** The request CloudFormation sends: properties resolved, and every scalar a string (as CloudFormation sends them). */
    private static JsonNode digestRequest(JsonNode template, Map<String, Object> values, String digestId) {
        InlineHandler function = InlineHandler.behind(template, digestId);
        // What stack resources resolve to is the same in both translations: stand-ins will do.
        JsonNode resolved = new DeployTimeValues(template, values, Map.of()).withResourceStandIns()
                .resolve(digestProperties(template, digestId));
        ObjectNode properties = (ObjectNode) asCloudFormationSendsIt(resolved);
        properties.put("ServiceToken", SERVICE_TOKEN_PREFIX + function.functionLogicalId());
        return InlineHandler.createRequest(digestId, "Custom::ConfigDigest", properties);
    }

    private static JsonNode asCloudFormationSendsIt(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(entry -> copy.set(entry.getKey(), asCloudFormationSendsIt(entry.getValue())));
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(asCloudFormationSendsIt(item)));
            return copy;
        }
        return node.isNull() ? node : TextNode.valueOf(node.asText());
    }

    /** "DigestId.Attribute" -> value, from the Data of a custom-resource response. */
    private static Map<String, String> attributes(String digestId, JsonNode response) {
        assertEquals("SUCCESS", response.path("Status").asText(), "the digest function answered " + response);
        Map<String, String> attributes = new TreeMap<>();
        response.path("Data").properties().forEach(entry -> attributes.put(digestId + "." + entry.getKey(), entry.getValue().asText()));
        assertFalse(attributes.isEmpty(), "the digest function answered no Data: " + response);
        return attributes;
    }

    /** Function logical id -> the template parameters its Environment reads. */
    private static Map<String, Set<String>> parametersReadByEachFunction(JsonNode template) {
        Map<String, Set<String>> readBy = new TreeMap<>();
        Templates.resourcesOfType(template, "AWS::Lambda::Function").forEach((id, function) -> {
            Set<String> read = DeployTimeValues.parametersReferencedBy(function.path("Properties").path("Environment"), template);
            if (!read.isEmpty()) {
                readBy.put(id, read);
            }
        });
        return readBy;
    }

    /** Functions with an alias that something in the template refers to (a permission, a rule, the API's integrations). */
    private static Set<String> functionsInvokedThroughAnAlias(JsonNode template) {
        Set<String> functions = new TreeSet<>();
        Templates.resourcesOfType(template, "AWS::Lambda::Alias").forEach((aliasId, alias) -> {
            if (!Templates.referrersOf(template, aliasId).isEmpty()) {
                functions.add(alias.at("/Properties/FunctionName/Ref").asText());
            }
        });
        return functions;
    }

    private static Set<String> parametersReadByFunctions(JsonNode template) {
        Set<String> all = new TreeSet<>();
        parametersReadByEachFunction(template).values().forEach(all::addAll);
        return all;
    }

    private static List<String> versionsOf(JsonNode template, String function) {
        return Templates.resourcesOfType(template, "AWS::Lambda::Version").entrySet().stream()
                .filter(version -> version.getValue().at("/Properties/FunctionName/Ref").asText().equals(function))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Functions that API Gateway may invoke: the FunctionName of a permission for apigateway.amazonaws.com, through its alias. */
    private static Set<String> functionsBehindApiGateway(JsonNode template) {
        JsonNode resources = template.path("Resources");
        Set<String> functions = new TreeSet<>();
        resources.forEach(resource -> {
            if (resource.path("Type").asText().equals("AWS::Lambda::Permission")
                    && resource.at("/Properties/Principal").asText().equals("apigateway.amazonaws.com")) {
                String target = resource.at("/Properties/FunctionName/Ref").asText();
                JsonNode targetResource = resources.path(target);
                functions.add(targetResource.path("Type").asText().equals("AWS::Lambda::Alias")
                        ? targetResource.at("/Properties/FunctionName/Ref").asText()
                        : target);
            }
        });
        return functions;
    }

    /** Version logical id -> its Description as deployed with these values and digest attributes. */
    private static Map<String, String> versionDescriptions(JsonNode template, String function, Map<String, Object> values,
                                                           Map<String, String> attributes) {
        DeployTimeValues deployTime = new DeployTimeValues(template, values, attributes);
        Map<String, String> descriptions = new TreeMap<>();
        for (String versionId : versionsOf(template, function)) {
            JsonNode description = template.path("Resources").path(versionId).path("Properties").path("Description");
            descriptions.put(versionId, description.isMissingNode() ? null : deployTime.resolve(description).asText());
        }
        return descriptions;
    }

    private static void assertLiveAliasPointsAt(JsonNode template, String function, String versionId) {
        boolean pointedAt = Templates.resourcesOfType(template, "AWS::Lambda::Alias").values().stream()
                .map(alias -> alias.path("Properties"))
                .anyMatch(alias -> alias.at("/FunctionName/Ref").asText().equals(function)
                        && alias.at("/FunctionVersion/Fn::GetAtt/0").asText().equals(versionId));
        assertTrue(pointedAt, "no alias of " + function + " points at its version " + versionId);
    }

    /** A different value the parameter allows, for a parameter with this spec and value. */
    private static Object changed(String parameter, JsonNode spec, Object value) {
        if (CHANGED.containsKey(parameter)) {
            return CHANGED.get(parameter);
        }
        if (value instanceof List<?> list) {
            List<Object> longer = new ArrayList<>(list);
            longer.add("changed-" + parameter);
            return longer;
        }
        String text = String.valueOf(value);
        if (spec.has("AllowedValues")) {
            for (JsonNode allowed : spec.get("AllowedValues")) {
                if (!allowed.asText().equals(text)) {
                    return allowed.asText();
                }
            }
            throw new IllegalArgumentException(parameter + " allows only one value; it cannot change");
        }
        if (spec.path("Type").asText().equals("Number")) {
            BigDecimal current = new BigDecimal(text);
            BigDecimal max = spec.has("MaxValue") ? new BigDecimal(spec.get("MaxValue").asText()) : current.add(BigDecimal.TEN);
            BigDecimal min = spec.has("MinValue") ? new BigDecimal(spec.get("MinValue").asText()) : current.subtract(BigDecimal.TEN);
            BigDecimal other = current.compareTo(max) < 0 ? current.add(max).divide(BigDecimal.TWO) : current.add(min).divide(BigDecimal.TWO);
            return other.stripTrailingZeros().toPlainString();
        }
        return text.isEmpty() ? "changed-" + parameter : text + "-changed";
    }

    /**
     * The plain fact behind ConfigDigest, printed on every run: SAM names a function's Version after a hash of
     * its properties, and a parameter change leaves that name (and so the published version) as it was.
     */
    private static void printVersionIds() {
        Set<String> baseIds = resourceIdsOfType(baseline, "AWS::Lambda::Version");
        System.out.println("AWS::Lambda::Version logical ids with the test parameters: " + baseIds);
        changedTranslations.forEach((parameter, translation) -> {
            Set<String> ids = resourceIdsOfType(translation, "AWS::Lambda::Version");
            System.out.println("  with " + parameter + " changed: "
                    + (ids.equals(baseIds) ? "the same ids (SAM's version hash ignores the parameter)" : ids));
        });
    }

    private static Set<String> resourceIdsOfType(JsonNode template, String type) {
        return Templates.resourcesOfType(template, type).keySet();
    }
}
