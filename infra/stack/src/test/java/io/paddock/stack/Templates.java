package io.paddock.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finding things in a translated template: resources by type, and who refers to whom. */
public final class Templates {

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private Templates() {
    }

    /** Logical id -> resource, of every resource of this type, in logical-id order. */
    public static Map<String, JsonNode> resourcesOfType(JsonNode template, String type) {
        Map<String, JsonNode> resources = new TreeMap<>();
        template.path("Resources").properties().forEach(entry -> {
            if (entry.getValue().path("Type").asText().equals(type)) {
                resources.put(entry.getKey(), entry.getValue());
            }
        });
        return resources;
    }

    /** Whether the node refers to the resource: Ref, Fn::GetAtt, ${Id} or ${Id.Attribute} in a Fn::Sub, DependsOn. */
    public static boolean refersTo(JsonNode node, String logicalId) {
        if (node.isObject() && node.size() == 1) {
            String function = node.fieldNames().next();
            JsonNode argument = node.get(function);
            switch (function) {
                case "Ref":
                    return argument.asText().equals(logicalId);
                case "Fn::GetAtt":
                    return (argument.isArray() ? argument.get(0).asText() : argument.asText().split("\\.")[0]).equals(logicalId);
                case "Fn::Sub": {
                    String text = argument.isArray() ? argument.get(0).asText() : argument.asText();
                    Matcher matcher = SUB_VARIABLE.matcher(text);
                    while (matcher.find()) {
                        if (matcher.group(1).split("\\.")[0].equals(logicalId)) {
                            return true;
                        }
                    }
                    return argument.isArray() && refersTo(argument.get(1), logicalId);
                }
                default:
                    break;
            }
        }
        if (node.isObject() && node.has("DependsOn")) {
            JsonNode dependsOn = node.get("DependsOn");
            if (dependsOn.asText().equals(logicalId)) {
                return true;
            }
            for (JsonNode dependency : dependsOn) {
                if (dependency.asText().equals(logicalId)) {
                    return true;
                }
            }
        }
        for (JsonNode child : node) {
            if (refersTo(child, logicalId)) {
                return true;
            }
        }
        return false;
    }

    /** Logical ids of the resources that refer to this one. */
    public static Map<String, JsonNode> referrersOf(JsonNode template, String logicalId) {
        Map<String, JsonNode> referrers = new TreeMap<>();
        template.path("Resources").properties().forEach(entry -> {
            if (!entry.getKey().equals(logicalId) && refersTo(entry.getValue(), logicalId)) {
                referrers.put(entry.getKey(), entry.getValue());
            }
        });
        return referrers;
    }
}
