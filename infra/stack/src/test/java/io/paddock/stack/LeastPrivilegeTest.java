package io.paddock.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each role of the translated stack may do exactly what its function's code does, no more: every
 * (action, resource) a role's statements grant is compared with an allow-list per role, so a wider grant
 * (another table, Scan where the code only gets items, a wildcard) fails, and so does a missing one.
 * Conditional statements count with both branches, the way a reader of the template has to take them.
 */
class LeastPrivilegeTest {

    private static final String BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    private static final String VPC = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
    private static final String RDS_CONNECT =
            "rds-db:connect arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${ProxyId}/${DatabaseAppUser}";
    private static final List<String> CACHE_CONNECT = List.of(
            "elasticache:Connect Cache.ARN", "elasticache:Connect CacheAppUser.Arn");
    private static final List<String> IDEMPOTENCY = List.of(
            "dynamodb:GetItem IdempotencyTable.Arn", "dynamodb:PutItem IdempotencyTable.Arn",
            "dynamodb:DeleteItem IdempotencyTable.Arn",
            // /v1/health probes DynamoDB with DescribeTable on this table.
            "dynamodb:DescribeTable IdempotencyTable.Arn");

    /** Role logical id → the grants its function's code needs (IdempotencyKeys, RefreshTokens, ParkedBatches, ...). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "FeedFunctionRole", grants(IDEMPOTENCY, List.of(RDS_CONNECT), CACHE_CONNECT),
            "RateLimitFunctionRole", grants(IDEMPOTENCY, List.of(RDS_CONNECT), CACHE_CONNECT),
            "AuthFunctionRole", grants(IDEMPOTENCY, List.of(RDS_CONNECT), CACHE_CONNECT, List.of(
                    "secretsmanager:GetSecretValue Ref SigningKeysSecretArn",
                    "dynamodb:GetItem RefreshTokenFamiliesTable.Arn", "dynamodb:PutItem RefreshTokenFamiliesTable.Arn",
                    "dynamodb:UpdateItem RefreshTokenFamiliesTable.Arn",
                    // Account deletion finds every family of the account through its index.
                    "dynamodb:Query ${RefreshTokenFamiliesTable.Arn}/index/byUser")),
            "TelemetryFunctionRole", grants(IDEMPOTENCY, List.of(RDS_CONNECT), CACHE_CONNECT, List.of(
                    "dynamodb:PutItem ParkedEventsTable.Arn")),
            "TelemetryMaintenanceFunctionRole", grants(List.of(RDS_CONNECT,
                    "dynamodb:Scan ParkedEventsTable.Arn", "dynamodb:DeleteItem ParkedEventsTable.Arn",
                    // A batch that fails for its data is marked quarantined in place.
                    "dynamodb:UpdateItem ParkedEventsTable.Arn",
                    // Lambda sends a run that failed after its retries to the on-failure destination as the function's role.
                    "sqs:SendMessage TelemetryMaintenanceFailures.Arn")),
            "EdgeBlockSyncFunctionRole", grants(List.of(RDS_CONNECT, "sqs:SendMessage EdgeBlockSyncFailures.Arn",
                    "wafv2:GetIPSet arn:${AWS::Partition}:wafv2:us-east-1:${AWS::AccountId}:global/ipset/${EdgeIpSetName}/${EdgeIpSetId}",
                    "wafv2:UpdateIPSet arn:${AWS::Partition}:wafv2:us-east-1:${AWS::AccountId}:global/ipset/${EdgeIpSetName}/${EdgeIpSetId}",
                    "wafv2:GetIPSet arn:${AWS::Partition}:wafv2:us-east-1:${AWS::AccountId}:global/ipset/${EdgeIpv6SetName}/${EdgeIpv6SetId}",
                    "wafv2:UpdateIPSet arn:${AWS::Partition}:wafv2:us-east-1:${AWS::AccountId}:global/ipset/${EdgeIpv6SetName}/${EdgeIpv6SetId}")),
            "MigrationFunctionRole", grants(List.of(
                    "secretsmanager:GetSecretValue Ref DatabaseAdminSecret",
                    "secretsmanager:GetSecretValue ${ExistingDatabaseAdminSecretArn}",
                    "secretsmanager:GetSecretValue Ref DatabaseAppLoginSecret")),
            "DatabaseProxyRole", grants(List.of("secretsmanager:GetSecretValue Ref DatabaseAppLoginSecret")),
            "ConfigDigestRole", grants(List.of(
                    "logs:CreateLogStream ConfigDigestLogs.Arn", "logs:PutLogEvents ConfigDigestLogs.Arn")),
            // SAM's role for CodeDeploy's gradual deployments: AWS's managed policy only.
            "CodeDeployServiceRole", Set.of());

    private static final Map<String, Set<String>> MANAGED = Map.of(
            "FeedFunctionRole", Set.of(BASIC, VPC),
            "RateLimitFunctionRole", Set.of(BASIC, VPC),
            "AuthFunctionRole", Set.of(BASIC, VPC),
            "TelemetryFunctionRole", Set.of(BASIC, VPC),
            "TelemetryMaintenanceFunctionRole", Set.of(BASIC, VPC),
            "EdgeBlockSyncFunctionRole", Set.of(BASIC, VPC),
            "MigrationFunctionRole", Set.of(BASIC, VPC),
            "DatabaseProxyRole", Set.of(),
            "ConfigDigestRole", Set.of(),
            "CodeDeployServiceRole", Set.of("arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda"));

    private static JsonNode stack;

    @BeforeAll
    static void translate() {
        stack = SamTranslation.translate(StackParameters.forTestDeploy());
    }

    @Test
    void everyRoleGrantsExactlyWhatItsFunctionUses() {
        Map<String, JsonNode> roles = Templates.resourcesOfType(stack, "AWS::IAM::Role");
        assertEquals(new TreeSet<>(ALLOWED.keySet()), new TreeSet<>(roles.keySet()),
                "a role without an allow-list here (or an allow-list without its role)");
        Map<String, Set<String>> granted = new TreeMap<>();
        roles.forEach((id, role) -> {
            Set<String> grants = new TreeSet<>();
            role.path("Properties").path("Policies").forEach(p -> collect(p.path("PolicyDocument").path("Statement"), grants));
            // Policies attached from outside the role (AWS::IAM::Policy naming it).
            Templates.resourcesOfType(stack, "AWS::IAM::Policy").values().forEach(policy -> {
                for (JsonNode attached : policy.path("Properties").path("Roles")) {
                    if (Templates.refersTo(attached, id)) {
                        collect(policy.path("Properties").path("PolicyDocument").path("Statement"), grants);
                    }
                }
            });
            granted.put(id, grants);
        });
        ALLOWED.forEach((id, allowed) -> assertEquals(new TreeSet<>(allowed), granted.get(id),
                id + " grants other than its allow-list (left: allowed, right: granted)"));
    }

    @Test
    void managedPoliciesAreOnlyLambdasBasicAndVpcOnes() {
        Templates.resourcesOfType(stack, "AWS::IAM::Role").forEach((id, role) -> {
            Set<String> managed = new TreeSet<>();
            role.path("Properties").path("ManagedPolicyArns").forEach(arn -> managed.add(describe(arn)));
            assertEquals(new TreeSet<>(MANAGED.get(id)), managed, id);
        });
    }

    @Test
    void noStatementGrantsEveryResourceOrEveryAction() {
        Templates.resourcesOfType(stack, "AWS::IAM::Role").forEach((id, role) -> {
            Set<String> grants = new TreeSet<>();
            role.path("Properties").path("Policies").forEach(p -> collect(p.path("PolicyDocument").path("Statement"), grants));
            for (String grant : grants) {
                assertTrue(!grant.endsWith(" *") && !grant.contains(":* ") && !grant.startsWith("* "), id + ": " + grant);
            }
        });
    }

    @Test
    void onlyTheAuthFunctionMayTouchTheRefreshTokenTable() {
        Templates.resourcesOfType(stack, "AWS::IAM::Role").forEach((id, role) -> {
            boolean touches = Templates.refersTo(role.path("Properties").path("Policies"), "RefreshTokenFamiliesTable");
            assertEquals(id.equals("AuthFunctionRole"), touches, id);
        });
    }

    private static Set<String> grants(List<?>... groups) {
        Set<String> all = new TreeSet<>();
        for (List<?> group : groups) {
            group.forEach(g -> all.add((String) g));
        }
        return all;
    }

    /** Every (action, resource) pair of these statements; both branches of an Fn::If. */
    private static void collect(JsonNode statements, Set<String> grants) {
        for (JsonNode statement : branches(statements)) {
            if (!"Allow".equals(statement.path("Effect").asText())) {
                continue;
            }
            for (JsonNode action : list(statement.path("Action"))) {
                for (JsonNode resource : list(statement.path("Resource"))) {
                    for (JsonNode taken : branches(resource)) {
                        grants.add(action.asText() + " " + describe(taken));
                    }
                }
            }
        }
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (!node.isMissingNode()) {
            items.add(node);
        }
        return items;
    }

    /** A node, an array of nodes, or Fn::If's two branches, flattened; AWS::NoValue dropped. */
    private static List<JsonNode> branches(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.addAll(branches(n)));
        } else if (node.has("Fn::If")) {
            out.addAll(branches(node.get("Fn::If").get(1)));
            out.addAll(branches(node.get("Fn::If").get(2)));
        } else if (!(node.has("Ref") && "AWS::NoValue".equals(node.get("Ref").asText()))) {
            out.add(node);
        }
        return out;
    }

    /** A resource expression as the allow-list writes it: "Ref X", "X.Attribute", or a Sub's template. */
    private static String describe(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.has("Ref")) {
            return "Ref " + node.get("Ref").asText();
        }
        if (node.has("Fn::GetAtt")) {
            JsonNode getAtt = node.get("Fn::GetAtt");
            return getAtt.isArray() ? getAtt.get(0).asText() + "." + getAtt.get(1).asText() : getAtt.asText();
        }
        if (node.has("Fn::Sub")) {
            JsonNode sub = node.get("Fn::Sub");
            return sub.isArray() ? sub.get(0).asText() : sub.asText();
        }
        return node.toString();
    }
}
