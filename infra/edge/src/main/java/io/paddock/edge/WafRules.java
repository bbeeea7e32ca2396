package io.paddock.edge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The part of infra/edge/waf.yaml's web ACL that the edge stand-in enforces: the offender IP-set rules and
 * the rate-based rules (limit per address and window, scope-down statement, response). The managed rule
 * groups are AWS's own signatures and are only named ({@link #notMirrored()}). Any other kind of rule is
 * refused, so a rule added to waf.yaml cannot silently go missing at the edge stand-in.
 */
public record WafRules(Response offenderResponse, List<RateRule> rateRules, List<String> notMirrored) {

    /** A blocking answer as WAF's CustomResponse gives it. */
    public record Response(int status, String contentType, String body, Map<String, String> headers) {
    }

    /** One RateBasedStatement keyed by the viewer's address. {@code scope} is null when it counts every request. */
    public record RateRule(String name, int limit, int windowSeconds, Statement scope, Response response) {
    }

    /** A scope-down statement: the tree WAF evaluates per request. */
    public sealed interface Statement {
    }

    /** Which part of the request a match reads. */
    public enum Field { METHOD, URI_PATH }

    /** A regular expression (PCRE, as WAF's) over one field; {@code lowercase}: WAF's LOWERCASE transformation. */
    public record Match(Field field, String regex, boolean lowercase) implements Statement {
    }

    public record And(List<Statement> statements) implements Statement {
    }

    public record Or(List<Statement> statements) implements Statement {
    }

    public record Not(Statement statement) implements Statement {
    }

    /**
     * @param limitOverrides values for waf.yaml's parameters (e.g. {@code ReadRequestsPerMinute=5}), used
     *                       instead of their defaults as a deploy's parameter overrides would be
     */
    public static WafRules from(Map<String, Object> document, Map<String, Integer> limitOverrides) {
        Map<String, Integer> parameters = new LinkedHashMap<>();
        Object declared = document.getOrDefault("Parameters", Map.of());
        map(declared, "Parameters").forEach((name, parameter) -> {
            Object fallback = map(parameter, "Parameters." + name).get("Default");
            if (fallback instanceof Number n) {
                parameters.put(name, n.intValue());
            }
        });
        limitOverrides.forEach((name, value) -> {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("waf.yaml has no numeric parameter " + name + " (it has " + parameters.keySet() + ")");
            }
            parameters.put(name, value);
        });

        Map<String, Object> acl = null;
        for (Object resource : map(document.get("Resources"), "Resources").values()) {
            if ("AWS::WAFv2::WebACL".equals(map(resource, "resource").get("Type"))) {
                if (acl != null) {
                    throw new IllegalArgumentException("waf.yaml has more than one web ACL");
                }
                acl = map(map(resource, "resource").get("Properties"), "WebACL Properties");
            }
        }
        if (acl == null) {
            throw new IllegalArgumentException("waf.yaml has no AWS::WAFv2::WebACL");
        }
        Map<String, Object> bodies = acl.get("CustomResponseBodies") == null ? Map.of()
                : map(acl.get("CustomResponseBodies"), "CustomResponseBodies");

        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object rule : list(acl.get("Rules"), "Rules")) {
            rules.add(map(rule, "rule"));
        }
        rules.sort(Comparator.comparingInt(rule -> ((Number) rule.get("Priority")).intValue()));

        Response offenders = null;
        List<RateRule> rateRules = new ArrayList<>();
        List<String> notMirrored = new ArrayList<>();
        for (Map<String, Object> rule : rules) {
            String name = (String) rule.get("Name");
            Map<String, Object> statement = map(rule.get("Statement"), name + ".Statement");
            if (statement.containsKey("ManagedRuleGroupStatement")) {
                notMirrored.add(name);
            } else if (statement.containsKey("IPSetReferenceStatement")) {
                // The IPv4 and IPv6 sets are one list at the edge stand-in (nginx's geo holds both).
                Response response = blockResponse(rule, bodies, name);
                if (offenders != null && !offenders.equals(response)) {
                    throw new IllegalArgumentException(name + ": the offender rules answer differently; the edge stand-in has one offender list");
                }
                offenders = response;
            } else if (statement.containsKey("RateBasedStatement")) {
                Map<String, Object> rate = map(statement.get("RateBasedStatement"), name + ".RateBasedStatement");
                if (!"IP".equals(rate.get("AggregateKeyType"))) {
                    throw new IllegalArgumentException(name + ": only AggregateKeyType IP is mirrored, found " + rate.get("AggregateKeyType"));
                }
                int limit = number(rate.get("Limit"), parameters, name + ".Limit");
                int window = rate.get("EvaluationWindowSec") == null ? 300 : number(rate.get("EvaluationWindowSec"), parameters, name + ".EvaluationWindowSec");
                Statement scope = rate.get("ScopeDownStatement") == null ? null
                        : statement(map(rate.get("ScopeDownStatement"), name + ".ScopeDownStatement"), name);
                rateRules.add(new RateRule(name, limit, window, scope, blockResponse(rule, bodies, name)));
            } else {
                throw new IllegalArgumentException(name + ": the edge stand-in does not mirror " + statement.keySet()
                        + " (teach io.paddock.edge.WafRules, or say why it needs no stand-in)");
            }
        }
        if (offenders == null) {
            throw new IllegalArgumentException("waf.yaml has no IPSetReferenceStatement rule for the offenders");
        }
        return new WafRules(offenders, Collections.unmodifiableList(rateRules), Collections.unmodifiableList(notMirrored));
    }

    private static Statement statement(Map<String, Object> node, String rule) {
        if (node.size() != 1) {
            throw new IllegalArgumentException(rule + ": a statement has exactly one kind, found " + node.keySet());
        }
        String kind = node.keySet().iterator().next();
        Map<String, Object> body = map(node.get(kind), rule + "." + kind);
        return switch (kind) {
            case "AndStatement" -> new And(statements(body, rule));
            case "OrStatement" -> new Or(statements(body, rule));
            case "NotStatement" -> new Not(statement(map(body.get("Statement"), rule + ".NotStatement"), rule));
            case "ByteMatchStatement" -> byteMatch(body, rule);
            case "RegexMatchStatement" -> {
                Field field = field(body, rule);
                boolean lowercase = lowercase(body, rule);
                String regex = (String) body.get("RegexString");
                if (lowercase && !regex.equals(regex.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException(rule + ": a LOWERCASE match with upper case in its regex " + regex);
                }
                yield new Match(field, regex, lowercase);
            }
            default -> throw new IllegalArgumentException(rule + ": the edge stand-in does not mirror " + kind);
        };
    }

    private static List<Statement> statements(Map<String, Object> body, String rule) {
        List<Statement> statements = new ArrayList<>();
        for (Object item : list(body.get("Statements"), rule + ".Statements")) {
            statements.add(statement(map(item, rule), rule));
        }
        return List.copyOf(statements);
    }

    private static Match byteMatch(Map<String, Object> body, String rule) {
        Field field = field(body, rule);
        boolean lowercase = lowercase(body, rule);
        String search = (String) body.get("SearchString");
        if (lowercase && !search.equals(search.toLowerCase(Locale.ROOT))) {
            // WAF lower-cases the field and then compares: such a rule would never match.
            throw new IllegalArgumentException(rule + ": a LOWERCASE match of a string with upper case: " + search);
        }
        String quoted = quote(search);
        String regex = switch ((String) body.get("PositionalConstraint")) {
            case "EXACTLY" -> "^" + quoted + "$";
            case "STARTS_WITH" -> "^" + quoted;
            case "ENDS_WITH" -> quoted + "$";
            case "CONTAINS" -> quoted;
            default -> throw new IllegalArgumentException(rule + ": PositionalConstraint " + body.get("PositionalConstraint") + " is not mirrored");
        };
        return new Match(field, regex, lowercase);
    }

    private static Field field(Map<String, Object> body, String rule) {
        Map<String, Object> field = map(body.get("FieldToMatch"), rule + ".FieldToMatch");
        if (field.containsKey("UriPath")) {
            return Field.URI_PATH;
        }
        if (field.containsKey("Method")) {
            return Field.METHOD;
        }
        throw new IllegalArgumentException(rule + ": FieldToMatch " + field.keySet() + " is not mirrored (UriPath, Method)");
    }

    private static boolean lowercase(Map<String, Object> body, String rule) {
        boolean lowercase = false;
        for (Object transformation : list(body.get("TextTransformations"), rule + ".TextTransformations")) {
            String type = (String) map(transformation, rule).get("Type");
            switch (type) {
                case "NONE" -> { }
                case "LOWERCASE" -> lowercase = true;
                default -> throw new IllegalArgumentException(rule + ": TextTransformation " + type + " is not mirrored (NONE, LOWERCASE)");
            }
        }
        return lowercase;
    }

    private static Response blockResponse(Map<String, Object> rule, Map<String, Object> bodies, String name) {
        Map<String, Object> action = map(rule.get("Action"), name + ".Action");
        if (!action.containsKey("Block")) {
            throw new IllegalArgumentException(name + ": only Block actions are mirrored, found " + action.keySet());
        }
        Object custom = action.get("Block") == null ? null : map(action.get("Block"), name + ".Block").get("CustomResponse");
        if (custom == null) {
            // WAF's default block: 403 with its own short page.
            return new Response(403, "text/plain", "Forbidden", Map.of());
        }
        Map<String, Object> response = map(custom, name + ".CustomResponse");
        String contentType = "text/plain";
        String body = "";
        if (response.get("CustomResponseBodyKey") instanceof String key) {
            Map<String, Object> declared = map(bodies.get(key), "CustomResponseBodies." + key);
            contentType = switch ((String) declared.get("ContentType")) {
                case "APPLICATION_JSON" -> "application/json";
                case "TEXT_HTML" -> "text/html";
                default -> "text/plain";
            };
            body = (String) declared.get("Content");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (response.get("ResponseHeaders") != null) {
            for (Object header : list(response.get("ResponseHeaders"), name + ".ResponseHeaders")) {
                Map<String, Object> h = map(header, name);
                headers.put((String) h.get("Name"), String.valueOf(h.get("Value")));
            }
        }
        return new Response(((Number) response.get("ResponseCode")).intValue(), contentType, body, Collections.unmodifiableMap(headers));
    }

    private static int number(Object value, Map<String, Integer> parameters, String where) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof Map<?, ?> ref && ref.get("Ref") instanceof String name && parameters.containsKey(name)) {
            return parameters.get(name);
        }
        throw new IllegalArgumentException(where + ": a number or a !Ref to a numeric parameter, found " + value);
    }

    /** A literal as a PCRE pattern. */
    static String quote(String literal) {
        StringBuilder out = new StringBuilder();
        for (char c : literal.toCharArray()) {
            if (".^$|?*+()[]{}\\".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String where) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(where + ": expected a mapping, found " + node);
    }

    static List<Object> list(Object node, String where) {
        if (node instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        throw new IllegalArgumentException(where + ": expected a list, found " + node);
    }
}
