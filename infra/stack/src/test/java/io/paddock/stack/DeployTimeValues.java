package io.paddock.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values that a translated template's intrinsic functions take at deploy time, where they depend only on
 * parameter values, pseudo parameters and resource attributes the caller supplies: {@code Ref} to a
 * parameter or pseudo parameter, {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::If} (its condition worked out
 * from the parameter values), and {@code Fn::GetAtt} of a supplied attribute. Anything else (a {@code Ref}
 * to a resource, ...) fails with the node it met, rather than being guessed — unless stand-ins were asked
 * for ({@link #withResourceStandIns}): then a resource's {@code Ref} or attribute is the fixed text
 * {@code <Id>} / {@code <Id.Attribute>}, the same in every resolution.
 */
public final class DeployTimeValues {

    /** The pseudo parameters, as in the account and region the tests translate and deploy for. */
    static final Map<String, String> PSEUDO_PARAMETERS = Map.of(
            "AWS::Region", Python.REGION,
            "AWS::AccountId", "123456789012",
            "AWS::Partition", "aws",
            "AWS::URLSuffix", "amazonaws.com",
            "AWS::StackName", "paddock-test");

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode template;
    private final JsonNode parameterSpecs;
    private final Map<String, ?> parameterValues;
    private final Map<String, String> attributes;
    private final boolean resourceStandIns;

    /**
     * @param template        a translated template (for its Parameters: declared names and defaults)
     * @param parameterValues String or List of Strings per parameter; a parameter not given takes its default
     * @param attributes      "LogicalId.Attribute" -> value, for the Fn::GetAtt that may be resolved
     */
    public DeployTimeValues(JsonNode template, Map<String, ?> parameterValues, Map<String, String> attributes) {
        this(template, parameterValues, attributes, false);
    }

    private DeployTimeValues(JsonNode template, Map<String, ?> parameterValues, Map<String, String> attributes,
            boolean resourceStandIns) {
        this.template = template;
        this.parameterSpecs = template.path("Parameters");
        this.parameterValues = parameterValues;
        this.attributes = attributes;
        this.resourceStandIns = resourceStandIns;
    }

    /** These values, with a resource's Ref or attribute (not supplied) resolved to a fixed stand-in text. */
    public DeployTimeValues withResourceStandIns() {
        return new DeployTimeValues(template, parameterValues, attributes, true);
    }

    /** Whether the template's condition holds for these parameter values. */
    public boolean holds(String condition) {
        JsonNode definition = template.path("Conditions").path(condition);
        if (definition.isMissingNode()) {
            throw new IllegalArgumentException("no condition " + condition);
        }
        return evaluate(definition);
    }

    private boolean evaluate(JsonNode node) {
        String function = node.fieldNames().next();
        JsonNode argument = node.get(function);
        return switch (function) {
            case "Condition" -> holds(argument.asText());
            case "Fn::Equals" -> resolve(argument.get(0)).equals(resolve(argument.get(1)));
            case "Fn::Not" -> !evaluate(argument.get(0));
            case "Fn::And" -> {
                boolean all = true;
                for (JsonNode item : argument) {
                    all &= evaluate(item);
                }
                yield all;
            }
            case "Fn::Or" -> {
                boolean any = false;
                for (JsonNode item : argument) {
                    any |= evaluate(item);
                }
                yield any;
            }
            default -> throw new IllegalArgumentException("cannot evaluate " + function + " in a condition: " + node);
        };
    }

    /** The node with every intrinsic function replaced by its value. */
    public JsonNode resolve(JsonNode node) {
        JsonNode resolved = resolveOrNoValue(node);
        if (resolved == null) {
            throw new IllegalArgumentException("the whole node resolves to AWS::NoValue: " + node);
        }
        return resolved;
    }

    /** The names of the template's parameters that this node refers to, by Ref or inside a Fn::Sub string. */
    public static Set<String> parametersReferencedBy(JsonNode node, JsonNode template) {
        Set<String> names = new TreeSet<>();
        collectParameters(node, template.path("Parameters"), names);
        return names;
    }

    private static void collectParameters(JsonNode node, JsonNode parameterSpecs, Set<String> names) {
        if (node.isObject() && node.size() == 1 && node.has("Ref") && parameterSpecs.has(node.get("Ref").asText())) {
            names.add(node.get("Ref").asText());
        } else if (node.isObject() && node.size() == 1 && node.has("Fn::Sub")) {
            JsonNode sub = node.get("Fn::Sub");
            String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
            JsonNode variables = sub.isArray() ? sub.get(1) : NODES.objectNode();
            Matcher matcher = SUB_VARIABLE.matcher(text);
            while (matcher.find()) {
                String name = matcher.group(1);
                if (!variables.has(name) && parameterSpecs.has(name)) {
                    names.add(name);
                }
            }
            variables.forEach(variable -> collectParameters(variable, parameterSpecs, names));
        } else {
            node.forEach(child -> collectParameters(child, parameterSpecs, names));
        }
    }

    /** null stands for AWS::NoValue: the property (or list item) holding it disappears. */
    private JsonNode resolveOrNoValue(JsonNode node) {
        if (node.isArray()) {
            ArrayNode array = NODES.arrayNode();
            node.forEach(item -> {
                JsonNode resolved = resolveOrNoValue(item);
                if (resolved != null) {
                    array.add(resolved);
                }
            });
            return array;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1) {
            String function = node.fieldNames().next();
            JsonNode argument = node.get(function);
            switch (function) {
                case "Ref":
                    return ref(argument.asText());
                case "Fn::Sub":
                    return TextNode.valueOf(sub(argument));
                case "Fn::GetAtt":
                    return TextNode.valueOf(getAtt(argument));
                case "Fn::Join":
                    return TextNode.valueOf(join(argument));
                case "Fn::If":
                    return resolveOrNoValue(holds(argument.get(0).asText()) ? argument.get(1) : argument.get(2));
                default:
                    if (function.startsWith("Fn::") || function.equals("Condition")) {
                        throw new IllegalArgumentException("cannot resolve " + function + " before deploy: " + node);
                    }
            }
        }
        ObjectNode object = NODES.objectNode();
        node.properties().forEach(entry -> {
            JsonNode resolved = resolveOrNoValue(entry.getValue());
            if (resolved != null) {
                object.set(entry.getKey(), resolved);
            }
        });
        return object;
    }

    private JsonNode ref(String name) {
        if (name.equals("AWS::NoValue")) {
            return null;
        }
        if (PSEUDO_PARAMETERS.containsKey(name)) {
            return TextNode.valueOf(PSEUDO_PARAMETERS.get(name));
        }
        if (!parameterSpecs.has(name) && resourceStandIns && template.path("Resources").has(name)) {
            return TextNode.valueOf("<" + name + ">");
        }
        if (!parameterSpecs.has(name)) {
            throw new IllegalArgumentException("cannot resolve Ref " + name + " before deploy: not a parameter");
        }
        Object value = parameterValues.containsKey(name)
                ? parameterValues.get(name)
                : StackParameters.asValue(parameterSpecs.get(name).path("Default"));
        if (value instanceof List<?> list) {
            return JSON.valueToTree(list.stream().map(String::valueOf).toList());
        }
        String type = parameterSpecs.get(name).path("Type").asText();
        if (type.startsWith("List<") || type.equals("CommaDelimitedList")) {
            return JSON.valueToTree(List.of(String.valueOf(value).split(",", -1)));
        }
        return TextNode.valueOf(String.valueOf(value));
    }

    private String sub(JsonNode argument) {
        String text = argument.isArray() ? argument.get(0).asText() : argument.asText();
        JsonNode variables = argument.isArray() ? argument.get(1) : NODES.objectNode();
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value;
            if (name.startsWith("!")) {
                value = "${" + name.substring(1) + "}";  // ${!Literal} is the literal text ${Literal}
            } else if (variables.has(name)) {
                value = text(resolve(variables.get(name)), name);
            } else if (name.contains(".")) {
                value = getAtt(TextNode.valueOf(name));
            } else {
                value = text(ref(name), name);
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private String getAtt(JsonNode argument) {
        String key = argument.isArray() ? argument.get(0).asText() + "." + argument.get(1).asText() : argument.asText();
        String value = attributes.get(key);
        if (value == null && resourceStandIns && template.path("Resources").has(key.substring(0, key.indexOf('.')))) {
            return "<" + key + ">";
        }
        if (value == null) {
            throw new IllegalArgumentException("cannot resolve Fn::GetAtt " + key + " before deploy: no value given for it");
        }
        return value;
    }

    private String join(JsonNode argument) {
        String delimiter = argument.get(0).asText();
        List<String> parts = new ArrayList<>();
        resolve(argument.get(1)).forEach(part -> parts.add(text(part, "Fn::Join item")));
        return String.join(delimiter, parts);
    }

    private static String text(JsonNode value, String what) {
        if (value == null || !value.isValueNode()) {
            throw new IllegalArgumentException(what + " is not a single value: " + value);
        }
        return value.asText();
    }
}
