package io.paddock.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.ConstructorException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A CloudFormation / SAM template read from YAML, with the short-form intrinsic functions
 * ({@code !Ref}, {@code !Sub}, {@code !GetAtt}, …) turned into their long JSON form, so that the tree
 * is what CloudFormation itself sees and can be checked against a JSON schema.
 *
 * <p>The tree holds only unmodifiable maps (insertion ordered, string keys), lists, strings, numbers,
 * booleans and nulls.
 */
public final class CloudFormationTemplate {

    /** One HttpApi event: METHOD (upper case, {@code ANY} when omitted), path and the function's logical id. */
    public record Route(String method, String path, String functionId) {
    }

    /** Above CloudFormation's own 1 MB template limit, far below what would hurt a test JVM. */
    private static final int CODE_POINT_LIMIT = 2 * 1024 * 1024;

    private final String source;
    private final Map<String, Object> document;

    private CloudFormationTemplate(String source, Map<String, Object> document) {
        this.source = source;
        this.document = document;
    }

    public static CloudFormationTemplate read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CloudFormation template " + file + ": " + e.getMessage(), e);
        }
    }

    public static CloudFormationTemplate read(InputStream in) {
        return parse(in, "CloudFormation template (stream)");
    }

    private static CloudFormationTemplate parse(InputStream in, String source) {
        Object root;
        try {
            root = newYaml().load(in);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(source + " is not a readable CloudFormation template: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(source + " is not a CloudFormation template: the top level must be a mapping, found "
                    + (root == null ? "an empty document" : root.getClass().getSimpleName()));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> document = (Map<String, Object>) frozen(root);
        return new CloudFormationTemplate(source, document);
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(CODE_POINT_LIMIT);
        // CloudFormation rejects duplicate keys; SnakeYAML would silently keep the last one, which
        // would hide e.g. two HttpApi events given the same name.
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        return new Yaml(new IntrinsicFunctionConstructor(options), new Representer(dumperOptions), dumperOptions,
                options, new Resolver());
    }

    /** The whole template in long form. */
    public Map<String, Object> document() {
        return document;
    }

    /** Every HttpApi event of every {@code AWS::Serverless::Function}, in template order. */
    public List<Route> httpApiRoutes() {
        List<Route> routes = new ArrayList<>();
        resourcesOfType("AWS::Serverless::Function").forEach((functionId, resource) -> {
            if (!(dig(resource, "Properties", "Events") instanceof Map<?, ?> events)) {
                return;
            }
            events.forEach((eventName, event) -> {
                if (!"HttpApi".equals(dig(event, "Type"))) {
                    return;
                }
                // SAM's defaults: without Method the route takes every method, without Path it is the
                // API's catch-all $default route.
                Object method = Optional.ofNullable(dig(event, "Properties", "Method")).orElse("ANY");
                Object path = Optional.ofNullable(dig(event, "Properties", "Path")).orElse("$default");
                if (!(method instanceof String m) || !(path instanceof String p)) {
                    throw new IllegalStateException(source + ": HttpApi event " + functionId + "." + eventName
                            + " must give Method and Path as plain strings, found " + method + " " + path);
                }
                routes.add(new Route(m.toUpperCase(Locale.ROOT), p, functionId));
            });
        });
        return Collections.unmodifiableList(routes);
    }

    /** Logical id → {@code Properties} of every {@code AWS::DynamoDB::Table}, in template order. */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> dynamoDbTables() {
        Map<String, Map<String, Object>> tables = new LinkedHashMap<>();
        resourcesOfType("AWS::DynamoDB::Table").forEach((logicalId, resource) -> tables.put(logicalId,
                dig(resource, "Properties") instanceof Map<?, ?> properties ? (Map<String, Object>) properties : Map.of()));
        return Collections.unmodifiableMap(tables);
    }

    /** The function's {@code CodeUri} when it is a plain string, else the one of {@code Globals.Function}. */
    public Optional<String> codeUri(String functionId) {
        Object function = resourcesOfType("AWS::Serverless::Function").get(functionId);
        if (function == null) {
            return Optional.empty();
        }
        Object own = dig(function, "Properties", "CodeUri");
        Object codeUri = own != null ? own : dig(document, "Globals", "Function", "CodeUri");
        return codeUri instanceof String s ? Optional.of(s) : Optional.empty();
    }

    private Map<String, Object> resourcesOfType(String type) {
        Map<String, Object> matching = new LinkedHashMap<>();
        if (document.get("Resources") instanceof Map<?, ?> resources) {
            resources.forEach((id, resource) -> {
                if (type.equals(dig(resource, "Type"))) {
                    matching.put((String) id, resource);
                }
            });
        }
        return matching;
    }

    private static Object dig(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    /** Deep copy into unmodifiable collections; keys become strings as they are in JSON. */
    private static Object frozen(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> copy.put(String.valueOf(key), frozen(value)));
            return Collections.unmodifiableMap(copy);
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(frozen(item)));
            return Collections.unmodifiableList(copy);
        }
        return node;
    }

    /**
     * Reads every {@code !Name} tag as an intrinsic function. Standard tags ({@code !!str}, …) resolve
     * to {@code tag:yaml.org,2002:…}, so the {@code !} prefix catches local tags only.
     */
    private static final class IntrinsicFunctionConstructor extends SafeConstructor {

        IntrinsicFunctionConstructor(LoaderOptions options) {
            super(options);
            // CloudFormation reads an unquoted 2010-09-09 (AWSTemplateFormatVersion) as a string, not a date.
            yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
            yamlMultiConstructors.put("!", new ConstructIntrinsic());
        }

        private final class ConstructIntrinsic extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String name = node.getTag().getValue().substring(1);
                Object value = switch (node) {
                    case ScalarNode scalar -> constructScalar(scalar);
                    case SequenceNode sequence -> constructSequence(sequence);
                    case MappingNode mapping -> constructMapping(mapping);
                    default -> throw new IntrinsicException(name, node, "unsupported node " + node.getNodeId());
                };
                return switch (name) {
                    case "Ref", "Condition" -> single(name, value);
                    case "GetAtt" -> single("Fn::GetAtt", value instanceof String s ? getAttParts(s, node) : value);
                    case "" -> throw new IntrinsicException(name, node, "a bare ! is not a CloudFormation function");
                    default -> single("Fn::" + name, value);
                };
            }

            /** {@code A.B.C} is resource A's attribute {@code B.C} (e.g. {@code Db.Endpoint.Address}). */
            private List<Object> getAttParts(String value, Node node) {
                int dot = value.indexOf('.');
                if (dot <= 0 || dot == value.length() - 1) {
                    throw new IntrinsicException("GetAtt", node, "expected LogicalId.Attribute, found '" + value + "'");
                }
                return List.of(value.substring(0, dot), value.substring(dot + 1));
            }

            private static Map<Object, Object> single(String key, Object value) {
                Map<Object, Object> map = new LinkedHashMap<>();
                map.put(key, value);
                return map;
            }
        }
    }

    private static final class IntrinsicException extends ConstructorException {
        private static final long serialVersionUID = 1L;

        IntrinsicException(String function, Node node, String problem) {
            super("while reading !" + function, node.getStartMark(), problem, node.getStartMark());
        }
    }
}
