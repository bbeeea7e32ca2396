package io.paddock.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * template.yaml, translated, deployed to an emulated AWS account (moto_server on 127.0.0.1) with the function
 * zips this build made: the stack must reach CREATE_COMPLETE, and every resource must be accounted for —
 * created, excluded by a false condition, of a type moto is known to skip ({@link #MOTO_SKIPS}), or a custom
 * resource (removed before create_stack: moto would wait forever for its Lambda, see moto_deploy.py).
 *
 * <p>What moto creates it checks only loosely (it keeps few properties: SnapStart, LoggingConfig and a
 * version's Description are dropped), so this catches a template that does not deploy at all — a broken
 * reference, a missing zip, an intrinsic that does not resolve, a resource moto rejects — not one that
 * deploys wrongly. The coverage table of the run is written to target/moto-coverage.md; MOTO-COVERAGE.md
 * beside this module records one, with what moto does with each type of the production stack.
 */
class DeploySmokeTest {

    /**
     * Resource types moto 5.2.1 has no CloudFormation model for: it skips them (and this test rewrites the
     * references to them). Listed ahead of use for the production stack's types (MOTO-COVERAGE.md); a type
     * that moto starts creating fails the test below, so that this list stays true.
     */
    static final Set<String> MOTO_SKIPS = Set.of(
            "AWS::ApiGatewayV2::Api",
            "AWS::ApiGatewayV2::Stage",
            "AWS::ApiGatewayV2::Integration",
            "AWS::ApiGatewayV2::Route",
            "AWS::Lambda::Alias",
            "AWS::Lambda::EventInvokeConfig",
            "AWS::RDS::DBCluster",
            "AWS::RDS::DBProxy",
            "AWS::RDS::DBProxyTargetGroup",
            "AWS::ElastiCache::ServerlessCache",
            "AWS::ElastiCache::User",
            "AWS::ElastiCache::UserGroup",
            "AWS::CloudFront::Distribution",
            "AWS::CloudFront::CachePolicy",
            "AWS::CloudFront::OriginRequestPolicy",
            "AWS::WAFv2::WebACL",
            "AWS::WAFv2::IPSet",
            "AWS::CloudWatch::Alarm",
            "AWS::SNS::Subscription",
            "AWS::SecretsManager::Secret",
            "AWS::Scheduler::Schedule",
            "AWS::CodeDeploy::Application",
            "AWS::CodeDeploy::DeploymentGroup",
            "AWS::EC2::SecurityGroupEgress",
            "AWS::SQS::QueuePolicy");

    @Test
    void templateDeploysToAnEmulatedAccount(@TempDir Path work) throws IOException {
        Map<String, Object> parameters = StackParameters.forTestDeploy();
        JsonNode translated = SamTranslation.translate(parameters);

        MotoDeploy.Report report;
        try (MotoServer moto = MotoServer.start(Repository.buildDirectory().resolve("moto-server.log"))) {
            report = MotoDeploy.deploy(moto, translated, parameters, Repository.root(), work);
            assertEquals("CREATE_COMPLETE", report.stackStatus(), "stack status " + report.stackStatus() + " ("
                    + report.stackStatusReason() + "), failed: " + report.failedEvents() + "\nend of moto_server's log:\n"
                    + moto.logTail(40));
        }
        print(report);

        List<TypeCoverage> coverage = coverage(report);
        String table = coverageTable(report, coverage);
        System.out.println(table);
        Files.writeString(Repository.buildDirectory().resolve("moto-coverage.md"), table);

        List<String> unaccounted = new ArrayList<>();
        for (TypeCoverage type : coverage) {
            boolean custom = isCustomResource(type.type());
            if (type.created() > 0 && (custom || MOTO_SKIPS.contains(type.type()))) {
                unaccounted.add(type.type() + ": moto now creates it; take it off DeploySmokeTest.MOTO_SKIPS and"
                        + " moto_deploy.py's workarounds");
            } else if (type.created() < type.expected() && type.created() > 0) {
                unaccounted.add(type.type() + ": moto created " + type.created() + " of " + type.expected());
            } else if (type.created() == 0 && type.expected() > 0 && !custom && !MOTO_SKIPS.contains(type.type())) {
                unaccounted.add(type.type() + ": not created, and not a type moto is known to skip");
            }
        }
        assertTrue(unaccounted.isEmpty(), String.join("\n", unaccounted));
        assertTrue(report.uploaded().size() >= 4, "expected the four functions' zips uploaded: " + report.uploaded());
    }

    /** Per type: in the template, expected (its condition holds), created by moto. */
    record TypeCoverage(String type, int inTemplate, int expected, int created) {
        String verdict() {
            if (isCustomResource(type)) {
                return "removed (custom resource)";
            }
            if (expected == 0) {
                return "not expected (condition false)";
            }
            return created == expected ? "created" : created == 0 ? "skipped (no moto model)" : "PARTLY created";
        }
    }

    private static List<TypeCoverage> coverage(MotoDeploy.Report report) {
        Set<String> falseConditions = Set.copyOf(report.falseConditions());
        Map<String, int[]> counts = new TreeMap<>();
        report.templateResources().values().forEach(resource -> {
            int[] count = counts.computeIfAbsent(resource.type(), type -> new int[3]);
            count[0]++;
            if (resource.condition() == null || !falseConditions.contains(resource.condition())) {
                count[1]++;
            }
        });
        report.resources().forEach(resource -> counts.computeIfAbsent(resource.type(), type -> new int[3])[2]++);
        return counts.entrySet().stream()
                .map(e -> new TypeCoverage(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]))
                .toList();
    }

    private static boolean isCustomResource(String type) {
        return type.startsWith("Custom::") || type.equals("AWS::CloudFormation::CustomResource");
    }

    private static String coverageTable(MotoDeploy.Report report, List<TypeCoverage> coverage) {
        StringBuilder table = new StringBuilder();
        table.append("## moto coverage of template.yaml (DeploySmokeTest)\n\n")
                .append("Stack status ").append(report.stackStatus()).append(" in ").append(report.seconds()).append(" s; ")
                .append(report.resources().size()).append(" of ").append(report.templateResources().size())
                .append(" resources created; conditions false: ").append(report.falseConditions()).append(".\n\n")
                .append("| type | in template | expected | created | moto |\n|---|---|---|---|---|\n");
        coverage.forEach(type -> table.append("| ").append(type.type()).append(" | ").append(type.inTemplate())
                .append(" | ").append(type.expected()).append(" | ").append(type.created()).append(" | ")
                .append(type.verdict()).append(" |\n"));
        return table.toString();
    }

    private static void print(MotoDeploy.Report report) {
        System.out.println("moto: stack " + report.stackStatus() + " in " + report.seconds() + " s; uploaded " + report.uploaded());
        report.removed().forEach(c -> System.out.println("removed before create_stack: " + c.logicalId() + " (" + c.type() + "): " + c.why()));
        report.rewritten().forEach(c -> System.out.println("references rewritten: " + c.logicalId() + " (" + c.type() + "): " + c.how()));
        report.patched().forEach(c -> System.out.println("patched for moto: " + c.logicalId() + " (" + c.type() + "): " + c.how()));
        System.out.println("created resources (logical id, type, physical id):");
        report.resources().stream()
                .sorted((a, b) -> a.logicalId().compareTo(b.logicalId()))
                .forEach(r -> System.out.printf("  %-55s %-40s %s%n", r.logicalId(), r.type(), r.physicalId()));
        System.out.println(report.resources().size() + " resources created");
        Set<String> notCreated = new TreeSet<>(report.templateResources().keySet());
        notCreated.removeAll(report.resources().stream().map(MotoDeploy.StackResource::logicalId).collect(Collectors.toSet()));
        System.out.println("not created: " + notCreated);
    }
}
