package io.paddock.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.embedded.CloudFormationTemplate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated nginx configuration says what the two templates say: read here straight from template.yaml and
 * waf.yaml, independently of the generator, and compared with what it wrote. infra/local's EdgeStandInTest runs
 * the result in real nginx in front of the app.
 */
class NginxConfigTest {

    static final Path ROOT = root();
    static final Map<String, Object> TEMPLATE = CloudFormationTemplate.read(ROOT.resolve("template.yaml")).document();
    static final Map<String, Object> WAF = CloudFormationTemplate.read(ROOT.resolve("infra/edge/waf.yaml")).document();

    @TempDir
    Path prefix;

    @Test
    void everyRateBasedRuleOfWafYamlIsALimitPerViewerAddressWithItsLimitPerWindow() {
        String config = render(Map.of(), false);
        Map<String, Object> parameters = WafRules.map(WAF.get("Parameters"), "Parameters");
        int rules = 0;
        for (Object item : WafRules.list(webAcl().get("Rules"), "Rules")) {
            Map<String, Object> rule = WafRules.map(item, "rule");
            Map<String, Object> statement = WafRules.map(rule.get("Statement"), "Statement");
            if (!statement.containsKey("RateBasedStatement")) {
                continue;
            }
            rules++;
            Map<String, Object> rate = WafRules.map(statement.get("RateBasedStatement"), "rate");
            String parameter = (String) WafRules.map(rate.get("Limit"), "Limit").get("Ref");
            int limit = ((Number) WafRules.map(parameters.get(parameter), parameter).get("Default")).intValue();
            int window = ((Number) rate.get("EvaluationWindowSec")).intValue();
            String zone = "waf_" + ((String) rule.get("Name")).replace('-', '_');
            assertTrue(config.contains("zone=" + zone + ":10m rate=" + (limit * 60 / window) + "r/m;"), zone + " rate\n" + config);
            assertTrue(config.contains("limit_req zone=" + zone + " burst=" + (limit - 1) + " nodelay;"), zone + " burst");
        }
        assertEquals(5, rules, "waf.yaml's rate-based rules");
    }

    @Test
    void aParameterOverrideReplacesItsDefaultAsADeployWould() {
        String config = render(Map.of("AuthRequestsPerMinute", 10), false);
        assertTrue(config.contains("zone=waf_rate_auth:10m rate=10r/m;"), config);
        assertTrue(config.contains("limit_req zone=waf_rate_auth burst=9 nodelay;"));
        assertTrue(config.contains("limit_req_log_level warn;"), "a refusal is logged as a warning, not an error");
        assertThrows(IllegalArgumentException.class, () -> render(Map.of("NoSuchParameter", 10), false));
    }

    @Test
    void theBehavioursAreTheDistributionsInTemplateOrderAndTheDefaultPassesThroughUncached() {
        String config = render(Map.of(), false);
        List<Object> behaviours = WafRules.list(distribution().get("CacheBehaviors"), "CacheBehaviors");
        List<String> expected = new ArrayList<>();
        for (Object item : behaviours) {
            expected.add(NginxConfig.location(Optional.of((String) WafRules.map(item, "behaviour").get("PathPattern"))));
        }
        expected.add("/");
        List<String> locations = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s+location (\\S.*?) \\{$").matcher(config);
        while (m.find()) {
            if (!m.group(1).startsWith("@")) {
                locations.add(m.group(1));
            }
        }
        assertEquals(expected, locations);
        assertEquals(List.of("~ \"^/v1/feed/users/.*$\"", "~ \"^/v1/feed/entities/.*$\"", "~ \"^/v1/auth/jwks\\.json$\"", "/"), locations);

        String fallback = config.substring(config.indexOf("location / {"));
        assertFalse(fallback.contains("proxy_cache "), "CachingDisabled stores nothing");
        assertFalse(fallback.contains("proxy_pass_request_headers off"), "AllViewerExceptHostHeader forwards every header");
    }

    @Test
    void theCachedBehavioursKeyOnPathQueryOriginAndEncodingAndNeverForwardAuthorization() {
        String config = render(Map.of(), false);
        String users = config.substring(config.indexOf("location ~ \"^/v1/feed/users/"), config.indexOf("location ~ \"^/v1/feed/entities/"));
        // PublicCachePolicy: QueryStringBehavior all, header Origin, gzip and brotli normalised.
        assertTrue(users.contains("proxy_cache_key \"$edge_path$is_args$args|Origin=$http_origin|ae=$edge_accept_encoding\";"), users);
        assertTrue(users.contains("proxy_pass_request_headers off;"));
        assertFalse(users.toLowerCase().contains("authorization"));
        assertTrue(users.contains("limit_except GET HEAD OPTIONS { deny all; }"), "AllowedMethods");
        assertTrue(users.contains("proxy_cache_revalidate on;"), "revalidation with If-None-Match");
        assertFalse(users.contains("proxy_cache_valid"), "DefaultTTL 0: only the origin's Cache-Control stores");
        assertFalse(users.contains("proxy_cache_use_stale"), "stale-while-revalidate/stale-if-error come from the origin's header");
    }

    @Test
    void simulationModeTrustsALocalClientsForwardedAddressAndOtherwiseTheEdgeAppendsTheViewer() {
        String simulation = render(Map.of(), true);
        assertTrue(simulation.contains("set_real_ip_from 127.0.0.1;"));
        assertTrue(simulation.contains("real_ip_header X-Forwarded-For;"));
        String normal = render(Map.of(), false);
        assertFalse(normal.contains("set_real_ip_from"));
        assertTrue(normal.contains("default $proxy_add_x_forwarded_for;"));
    }

    @Test
    void onlyASimulationEdgeServesTheStaticFloorThatLoadSimulationsCompareCacheHitsWith() {
        assertTrue(render(Map.of(), true).contains("location /__simulation/static/ {"));
        assertFalse(render(Map.of(), false).contains("__simulation"), "CloudFront has no such path");
    }

    @Test
    void aRuleTheStandInCannotMirrorIsRefusedRatherThanDropped() {
        String waf = """
                Resources:
                  Acl:
                    Type: AWS::WAFv2::WebACL
                    Properties:
                      Rules:
                        - Name: offenders
                          Priority: 0
                          Statement: {IPSetReferenceStatement: {Arn: x}}
                          Action: {Block: {}}
                        - Name: countries
                          Priority: 1
                          Statement: {GeoMatchStatement: {CountryCodes: [XX]}}
                          Action: {Block: {}}
                """;
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> WafRules.from(CloudFormationTemplate.read(new ByteArrayInputStream(waf.getBytes(StandardCharsets.UTF_8))).document(), Map.of()));
        assertTrue(refused.getMessage().contains("countries"), refused.getMessage());
    }

    @Test
    void aCachePolicyTheStandInDoesNotKnowIsRefused() {
        String template = """
                Resources:
                  Distribution:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Origins: [{Id: api, DomainName: example.org}]
                        DefaultCacheBehavior:
                          AllowedMethods: [GET, HEAD]
                          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
                """;
        assertThrows(IllegalArgumentException.class,
                () -> CacheBehaviours.from(CloudFormationTemplate.read(new ByteArrayInputStream(template.getBytes(StandardCharsets.UTF_8))).document()));
    }

    @Test
    void theOffenderListHoldsExactlyWhatWasWrittenAndRefusesWhatNginxWouldMisread() {
        OffenderFile file = new OffenderFile(prefix.resolve("offenders.conf"));
        file.createIfMissing();
        assertEquals(List.of(), List.copyOf(file.addresses()));
        file.replace(List.of("192.0.2.7/32", "2001:db8::1/128"));
        assertEquals(List.of("192.0.2.7/32", "2001:db8::1/128"), List.copyOf(file.addresses()));
        file.replace(List.of("192.0.2.7/32"));
        assertEquals(List.of("192.0.2.7/32"), List.copyOf(file.addresses()));
        assertThrows(IllegalArgumentException.class, () -> file.replace(List.of("192.0.2.8/32; include /etc/passwd")));
    }

    @Test
    void nginxAcceptsTheGeneratedConfiguration() throws Exception {
        Process finder = new ProcessBuilder("sh", ROOT.resolve("infra/edge/nginx.sh").toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String nginx = new String(finder.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (finder.waitFor() != 0 || nginx.isEmpty()) {
            if ("required".equals(System.getenv("PADDOCK_EDGE_CHECKS"))) {
                throw new AssertionError("PADDOCK_EDGE_CHECKS=required and no nginx");
            }
            Assumptions.abort("no nginx (set PADDOCK_EDGE_CHECKS=required to fail instead)");
        }
        for (boolean simulation : new boolean[] {false, true}) {
            Path config = EdgeMain.write(new EdgeMain.Options(ROOT.resolve("template.yaml"), ROOT.resolve("infra/edge/waf.yaml"),
                    new NginxConfig.Settings(prefix, 18080, URI.create("http://127.0.0.1:3000"), simulation, Optional.of("s3cret-origin-value")), Map.of()));
            Process check = new ProcessBuilder(nginx, "-t", "-p", prefix.toString(), "-c", config.toString(), "-e", prefix.resolve("error.log").toString())
                    .redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, check.waitFor(), output);
            assertTrue(Files.readString(config).contains("proxy_set_header X-Origin-Verify \"s3cret-origin-value\";"));
        }
    }

    private String render(Map<String, Integer> limits, boolean simulation) {
        try {
            Path config = EdgeMain.write(new EdgeMain.Options(ROOT.resolve("template.yaml"), ROOT.resolve("infra/edge/waf.yaml"),
                    new NginxConfig.Settings(prefix, 18080, URI.create("http://127.0.0.1:3000"), simulation, Optional.empty()), limits));
            return Files.readString(config);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Object> webAcl() {
        for (Object resource : WafRules.map(WAF.get("Resources"), "Resources").values()) {
            if ("AWS::WAFv2::WebACL".equals(WafRules.map(resource, "r").get("Type"))) {
                return WafRules.map(WafRules.map(resource, "r").get("Properties"), "p");
            }
        }
        throw new AssertionError("no web ACL");
    }

    private static Map<String, Object> distribution() {
        Map<String, Object> resource = WafRules.map(WafRules.map(TEMPLATE.get("Resources"), "Resources").get("Distribution"), "Distribution");
        return WafRules.map(WafRules.map(resource.get("Properties"), "p").get("DistributionConfig"), "c");
    }

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("infra/edge/waf.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no infra/edge/waf.yaml above the working directory");
        }
        return dir;
    }
}
