package io.paddock.edge;

import static io.paddock.edge.WafRules.list;
import static io.paddock.edge.WafRules.map;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * template.yaml's CloudFront distribution as the edge stand-in needs it: the cache behaviours in the order
 * CloudFront tries them (the default last), each with what its cache policy puts in the key and what its
 * origin request policy forwards. Managed policies are known by their fixed ids; an id the stand-in does
 * not know is refused rather than guessed.
 */
public record CacheBehaviours(List<Behaviour> behaviours, Map<String, String> originCustomHeaders) {

    /** Managed-CachingDisabled: nothing is stored. */
    static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    /** Managed-AllViewerExceptHostHeader: every viewer header, query string and cookie but Host. */
    static final String ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

    /**
     * @param pathPattern     CloudFront's pattern ({@code *}, {@code ?}), empty for the default behaviour
     * @param allowedMethods  methods CloudFront accepts here (others: 403)
     * @param cache           empty when the policy is CachingDisabled
     * @param forwardedHeaders the viewer headers the origin request policy adds to the cache key's; empty
     *                        with {@code allViewerHeaders}
     */
    public record Behaviour(String name, Optional<String> pathPattern, List<String> allowedMethods, Optional<CachePolicy> cache,
            boolean allViewerHeaders, List<String> forwardedHeaders) {
    }

    /**
     * A cache policy. {@code queryStrings}: "none", "all" or "whitelist" with {@code queryStringNames};
     * {@code headers}: the header names in the key. TTLs in seconds.
     */
    public record CachePolicy(String name, long minTtl, long defaultTtl, long maxTtl, String queryStrings,
            List<String> queryStringNames, List<String> headers, boolean gzip, boolean brotli) {
    }

    public static CacheBehaviours from(Map<String, Object> template) {
        Map<String, Object> resources = map(template.get("Resources"), "Resources");
        Map<String, Object> distribution = null;
        for (Object resource : resources.values()) {
            if ("AWS::CloudFront::Distribution".equals(map(resource, "resource").get("Type"))) {
                if (distribution != null) {
                    throw new IllegalArgumentException("template.yaml has more than one CloudFront distribution");
                }
                distribution = map(map(map(resource, "resource").get("Properties"), "Distribution").get("DistributionConfig"), "DistributionConfig");
            }
        }
        if (distribution == null) {
            throw new IllegalArgumentException("template.yaml has no AWS::CloudFront::Distribution");
        }
        List<Behaviour> behaviours = new ArrayList<>();
        if (distribution.get("CacheBehaviors") != null) {
            for (Object item : list(distribution.get("CacheBehaviors"), "CacheBehaviors")) {
                Map<String, Object> behaviour = map(item, "CacheBehaviors[]");
                behaviours.add(behaviour(behaviour, (String) behaviour.get("PathPattern"), resources));
            }
        }
        behaviours.add(behaviour(map(distribution.get("DefaultCacheBehavior"), "DefaultCacheBehavior"), null, resources));

        Map<String, String> custom = new LinkedHashMap<>();
        List<Object> origins = list(distribution.get("Origins"), "Origins");
        if (origins.size() != 1) {
            throw new IllegalArgumentException("the edge stand-in has one origin; template.yaml's distribution has " + origins.size());
        }
        Object headers = map(origins.get(0), "Origins[0]").get("OriginCustomHeaders");
        if (headers != null) {
            for (Object header : list(headers, "OriginCustomHeaders")) {
                Map<String, Object> h = map(header, "OriginCustomHeaders[]");
                // The values are the deploy's secrets (a !Ref): only the names come from the template.
                custom.put((String) h.get("HeaderName"), String.valueOf(h.get("HeaderValue")));
            }
        }
        return new CacheBehaviours(List.copyOf(behaviours), Collections.unmodifiableMap(custom));
    }

    private static Behaviour behaviour(Map<String, Object> behaviour, String pathPattern, Map<String, Object> resources) {
        String name = pathPattern == null ? "default" : pathPattern;
        List<String> methods = new ArrayList<>();
        for (Object method : list(behaviour.get("AllowedMethods"), name + ".AllowedMethods")) {
            methods.add((String) method);
        }
        Optional<CachePolicy> cache = cachePolicy(behaviour.get("CachePolicyId"), resources, name);
        Object originPolicy = behaviour.get("OriginRequestPolicyId");
        boolean allViewer;
        List<String> forwarded = new ArrayList<>();
        if (ALL_VIEWER_EXCEPT_HOST.equals(originPolicy)) {
            allViewer = true;
        } else if (originPolicy instanceof Map<?, ?> ref && ref.get("Ref") instanceof String id) {
            allViewer = false;
            Map<String, Object> config = map(map(map(resources.get(id), id).get("Properties"), id).get("OriginRequestPolicyConfig"), id);
            Map<String, Object> headers = map(config.get("HeadersConfig"), id + ".HeadersConfig");
            switch ((String) headers.get("HeaderBehavior")) {
                case "none" -> { }
                case "whitelist" -> list(headers.get("Headers"), id + ".Headers").forEach(h -> forwarded.add((String) h));
                default -> throw new IllegalArgumentException(id + ": HeaderBehavior " + headers.get("HeaderBehavior") + " is not mirrored");
            }
            String queries = (String) map(config.get("QueryStringsConfig"), id).get("QueryStringBehavior");
            String cookies = (String) map(config.get("CookiesConfig"), id).get("CookieBehavior");
            if (!"none".equals(queries) || !"none".equals(cookies)) {
                throw new IllegalArgumentException(id + ": only QueryStringBehavior and CookieBehavior none are mirrored "
                        + "(the cache key forwards the query strings it holds)");
            }
        } else if (originPolicy == null) {
            allViewer = false;
        } else {
            throw new IllegalArgumentException(name + ": origin request policy " + originPolicy + " is not known to the edge stand-in");
        }
        return new Behaviour(name, Optional.ofNullable(pathPattern), List.copyOf(methods), cache, allViewer, List.copyOf(forwarded));
    }

    private static Optional<CachePolicy> cachePolicy(Object id, Map<String, Object> resources, String behaviour) {
        if (CACHING_DISABLED.equals(id)) {
            return Optional.empty();
        }
        if (!(id instanceof Map<?, ?> ref && ref.get("Ref") instanceof String logicalId)) {
            throw new IllegalArgumentException(behaviour + ": cache policy " + id + " is not known to the edge stand-in");
        }
        Map<String, Object> config = map(map(map(resources.get(logicalId), logicalId).get("Properties"), logicalId)
                .get("CachePolicyConfig"), logicalId + ".CachePolicyConfig");
        Map<String, Object> key = map(config.get("ParametersInCacheKeyAndForwardedToOrigin"), logicalId + ".ParametersInCacheKeyAndForwardedToOrigin");
        Map<String, Object> queries = map(key.get("QueryStringsConfig"), logicalId + ".QueryStringsConfig");
        String queryBehaviour = (String) queries.get("QueryStringBehavior");
        List<String> queryNames = new ArrayList<>();
        switch (queryBehaviour) {
            case "none", "all" -> { }
            case "whitelist" -> list(queries.get("QueryStrings"), logicalId + ".QueryStrings").forEach(q -> queryNames.add((String) q));
            default -> throw new IllegalArgumentException(logicalId + ": QueryStringBehavior " + queryBehaviour + " is not mirrored");
        }
        Map<String, Object> headersConfig = map(key.get("HeadersConfig"), logicalId + ".HeadersConfig");
        List<String> headers = new ArrayList<>();
        switch ((String) headersConfig.get("HeaderBehavior")) {
            case "none" -> { }
            case "whitelist" -> list(headersConfig.get("Headers"), logicalId + ".Headers").forEach(h -> headers.add((String) h));
            default -> throw new IllegalArgumentException(logicalId + ": HeaderBehavior " + headersConfig.get("HeaderBehavior") + " is not mirrored");
        }
        Object cookies = map(key.get("CookiesConfig"), logicalId + ".CookiesConfig").get("CookieBehavior");
        if (!"none".equals(cookies)) {
            throw new IllegalArgumentException(logicalId + ": CookieBehavior " + cookies + " is not mirrored (none)");
        }
        return Optional.of(new CachePolicy(logicalId, seconds(config.get("MinTTL")), seconds(config.get("DefaultTTL")),
                seconds(config.get("MaxTTL")), queryBehaviour, List.copyOf(queryNames), List.copyOf(headers),
                Boolean.TRUE.equals(key.get("EnableAcceptEncodingGzip")), Boolean.TRUE.equals(key.get("EnableAcceptEncodingBrotli"))));
    }

    private static long seconds(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("a TTL must be a number of seconds, found " + value);
    }
}
