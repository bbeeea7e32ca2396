package io.paddock.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The translated template holds the whole production stack: network, PostgreSQL, Redis, edge and
 * operations, each piece created unless its bring-your-own parameter names an existing one (then the
 * resource carries the condition that parameter decides).
 */
class ProductionStackTest {

    private static final List<String> API_FUNCTIONS = List.of("FeedFunction", "AuthFunction", "RateLimitFunction", "TelemetryFunction");

    private static JsonNode stack;

    @BeforeAll
    static void translate() {
        stack = SamTranslation.translate(StackParameters.forTestDeploy());
    }

    private static JsonNode resource(String id) {
        JsonNode r = stack.path("Resources").path(id);
        assertFalse(r.isMissingNode(), "no resource " + id);
        return r;
    }

    /** The resource exists with this type, created only when this condition holds (null: always). */
    private static void assertResource(String id, String type, String condition) {
        JsonNode r = resource(id);
        assertEquals(type, r.path("Type").asText(), id);
        if (condition == null) {
            assertTrue(r.path("Condition").isMissingNode(), id + " should always be created, has " + r.path("Condition"));
        } else {
            assertEquals(condition, r.path("Condition").asText(), id + "'s condition");
        }
    }

    /** The condition is decided by this bring-your-own parameter being empty. */
    private static void assertDecidedBy(String condition, String parameter) {
        JsonNode definition = stack.path("Conditions").path(condition);
        assertEquals(List.of(Map.of("Ref", parameter), ""), List.of(
                Map.of("Ref", definition.path("Fn::Equals").path(0).path("Ref").asText()),
                definition.path("Fn::Equals").path(1).asText()), condition);
    }

    @Test
    void theNetworkIsCreatedUnlessAnExistingVpcIsGivenAndNeedsNoNat() {
        assertDecidedBy("CreateNetwork", "ExistingVpcId");
        assertResource("Vpc", "AWS::EC2::VPC", "CreateNetwork");
        assertResource("PrivateSubnetA", "AWS::EC2::Subnet", "CreateNetwork");
        assertResource("PrivateSubnetB", "AWS::EC2::Subnet", "CreateNetwork");
        assertEquals("Gateway", resource("DynamoDbEndpoint").at("/Properties/VpcEndpointType").asText());
        assertEquals("Gateway", resource("S3Endpoint").at("/Properties/VpcEndpointType").asText());
        assertEquals("Interface", resource("SecretsManagerEndpoint").at("/Properties/VpcEndpointType").asText());
        assertTrue(resource("SecretsManagerEndpoint").at("/Properties/PrivateDnsEnabled").asBoolean());
        // The NAT gateway exists only on request (Sentry, edge blocking through the WAF API).
        assertResource("NatGateway", "AWS::EC2::NatGateway", "CreateNat");
        for (String group : List.of("FunctionSecurityGroup", "MigrationSecurityGroup")) {
            assertResource(group, "AWS::EC2::SecurityGroup", null);
        }
        assertResource("DatabaseSecurityGroup", "AWS::EC2::SecurityGroup", "CreateDatabase");
        assertResource("DatabaseProxySecurityGroup", "AWS::EC2::SecurityGroup", "CreateDatabase");
        assertResource("CacheSecurityGroup", "AWS::EC2::SecurityGroup", "CreateCache");
        assertResource("EndpointSecurityGroup", "AWS::EC2::SecurityGroup", "CreateNetwork");
    }

    /** What leaves AWS's endpoints (Sentry, the WAF API) cannot be switched on in a created VPC without its NAT. */
    @Test
    void aFeatureThatLeavesAwsIsRefusedInACreatedVpcWithoutANat() {
        for (Map.Entry<String, String> feature : Map.of("SentryNeedsEgress", "SentryDsn",
                "EdgeBlockingNeedsEgress", "EdgeIpSetId").entrySet()) {
            JsonNode rule = stack.path("Rules").path(feature.getKey());
            assertFalse(rule.isMissingNode(), "no rule " + feature.getKey());
            String when = rule.path("RuleCondition").toString();
            assertTrue(when.contains("{\"Ref\":\"" + feature.getValue() + "\"}") && when.contains("{\"Ref\":\"ExistingVpcId\"}"),
                    feature.getKey() + " applies when " + feature.getValue() + " is set in a created VPC: " + when);
            assertEquals("[{\"Ref\":\"InternetEgress\"},\"nat\"]",
                    rule.path("Assertions").path(0).path("Assert").path("Fn::Equals").toString(), feature.getKey());
        }
    }

    @Test
    void postgresIsAuroraServerlessBehindAnRdsProxyThatRequiresIamAndTls() {
        assertDecidedBy("CreateDatabase", "ExistingDatabaseProxyEndpoint");
        assertResource("DatabaseCluster", "AWS::RDS::DBCluster", "CreateDatabase");
        assertEquals("aurora-postgresql", resource("DatabaseCluster").at("/Properties/Engine").asText());
        assertFalse(resource("DatabaseCluster").at("/Properties/ServerlessV2ScalingConfiguration").isMissingNode());
        assertEquals("db.serverless", resource("DatabaseWriter").at("/Properties/DBInstanceClass").asText());
        assertResource("DatabaseProxy", "AWS::RDS::DBProxy", "CreateDatabase");
        JsonNode proxy = resource("DatabaseProxy").path("Properties");
        assertTrue(proxy.path("RequireTLS").asBoolean());
        assertEquals("REQUIRED", proxy.at("/Auth/0/IAMAuth").asText());
        assertResource("DatabaseProxyTargets", "AWS::RDS::DBProxyTargetGroup", "CreateDatabase");
    }

    @Test
    void redisIsElastiCacheServerlessWithAnIamUser() {
        assertDecidedBy("CreateCache", "ExistingRedisUrl");
        assertResource("Cache", "AWS::ElastiCache::ServerlessCache", "CreateCache");
        assertEquals("iam", resource("CacheAppUser").at("/Properties/AuthenticationMode/Type").asText());
        assertTrue(resource("CacheDefaultUser").at("/Properties/AccessString").asText().startsWith("off"),
                "the default user is switched off");
    }

    @Test
    void noFunctionEnvironmentHoldsAPasswordAndEveryDatabaseLoginIsIam() {
        Templates.resourcesOfType(stack, "AWS::Lambda::Function").forEach((id, function) -> {
            JsonNode variables = function.at("/Properties/Environment/Variables");
            variables.fieldNames().forEachRemaining(name ->
                    assertFalse(name.contains("PASSWORD"), id + " has " + name));
            if (variables.has("DATABASE_URL") && !id.equals("MigrationFunction")) {
                assertEquals("true", variables.path("DATABASE_IAM_AUTH").asText(), id);
            }
            assertFalse(variables.toString().contains("resolve:secretsmanager"), id + " resolves a secret into its environment");
        });
        for (String id : API_FUNCTIONS) {
            JsonNode variables = resource(id).at("/Properties/Environment/Variables");
            assertTrue(variables.path("DATABASE_URL").toString().contains("sslmode=require"), id);
            assertTrue(variables.path("REDIS_URL").toString().contains("rediss://"), id);
        }
    }

    @Test
    void cloudFrontFrontsTheApiCachesOnlyPublicRoutesAndSignsItsOriginRequests() {
        assertResource("Distribution", "AWS::CloudFront::Distribution", null);
        JsonNode config = resource("Distribution").at("/Properties/DistributionConfig");
        JsonNode origin = config.at("/Origins/0");
        assertTrue(Templates.refersTo(origin.path("DomainName"), "Api"), "the origin is the HTTP API");
        assertEquals("X-Origin-Verify", origin.at("/OriginCustomHeaders/0/HeaderName").asText());
        assertTrue(Templates.refersTo(origin.at("/OriginCustomHeaders/0/HeaderValue"), "OriginVerifySecret"));
        // Default: the managed CachingDisabled policy; all viewer headers but Host.
        assertEquals("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", config.at("/DefaultCacheBehavior/CachePolicyId").asText());
        assertEquals("b689b0a8-53d0-40ab-baf2-68738e2966ac", config.at("/DefaultCacheBehavior/OriginRequestPolicyId").asText());
        assertTrue(config.at("/DefaultCacheBehavior/Compress").asBoolean());
        Set<String> cached = new TreeSet<>();
        for (JsonNode behavior : config.path("CacheBehaviors")) {
            assertTrue(Templates.refersTo(behavior.path("CachePolicyId"), "PublicCachePolicy"), behavior.toString());
            assertTrue(behavior.path("Compress").asBoolean());
            cached.add(behavior.path("PathPattern").asText());
        }
        assertEquals(Set.of("/v1/feed/users/*", "/v1/feed/entities/*", "/v1/auth/jwks.json"), cached);
        JsonNode key = resource("PublicCachePolicy").at("/Properties/CachePolicyConfig");
        assertEquals(0, key.path("DefaultTTL").asInt(), "a response without Cache-Control is not stored");
        assertEquals("all", key.at("/ParametersInCacheKeyAndForwardedToOrigin/QueryStringsConfig/QueryStringBehavior").asText());
        assertFalse(key.toString().contains("Authorization"), "public routes never key on or forward a token");
        // Every function, and the catch-all, is behind the origin lock.
        for (String id : API_FUNCTIONS) {
            assertTrue(Templates.refersTo(resource(id).at("/Properties/Environment/Variables/PADDOCK_HTTP_ORIGIN_SECRETS"),
                    "OriginVerifySecret"), id);
        }
        assertTrue(Templates.refersTo(config.path("WebACLId"), "WebAclArn"), "the WAF web ACL of infra/edge/waf.yaml");
    }

    @Test
    void operationsHaveAlarmsPerFunctionADashboardAndBoundedLogs() {
        for (String fn : List.of("Feed", "Auth", "RateLimit", "Telemetry")) {
            assertResource(fn + "ErrorRateAlarm", "AWS::CloudWatch::Alarm", null);
            JsonNode latency = resource(fn + "LatencyAlarm").path("Properties");
            assertEquals("p99", latency.path("ExtendedStatistic").asText());
            assertTrue(Templates.refersTo(resource(fn + "ErrorRateAlarm").at("/Properties/AlarmActions"), "AlarmTopic"));
        }
        for (String id : List.of("ThrottlesAlarm", "RateLimitSurgeAlarm", "DeadLettersAlarm", "QuarantinedBatchesAlarm")) {
            assertResource(id, "AWS::CloudWatch::Alarm", null);
        }
        assertResource("ProxyConnectionsAlarm", "AWS::CloudWatch::Alarm", "CreateDatabase");
        assertResource("CacheEcpuAlarm", "AWS::CloudWatch::Alarm", "CreateCache");
        assertResource("Dashboard", "AWS::CloudWatch::Dashboard", null);
        assertResource("AlarmTopic", "AWS::SNS::Topic", "CreateAlarmTopic");
        assertDecidedBy("CreateAlarmTopic", "AlarmTopicArn");

        Map<String, JsonNode> logGroups = Templates.resourcesOfType(stack, "AWS::Logs::LogGroup");
        logGroups.forEach((id, group) -> assertTrue(Templates.refersTo(group.at("/Properties/RetentionInDays"), "LogRetentionDays"),
                id + " keeps its logs forever"));
        Templates.resourcesOfType(stack, "AWS::Lambda::Function").forEach((id, function) -> {
            JsonNode target = function.at("/Properties/LoggingConfig/LogGroup");
            assertTrue(logGroups.keySet().stream().anyMatch(group -> Templates.refersTo(target, group)),
                    id + " logs into a group Lambda would create without retention");
        });

        JsonNode stage = Templates.resourcesOfType(stack, "AWS::ApiGatewayV2::Stage").values().iterator().next().path("Properties");
        assertTrue(Templates.refersTo(stage.at("/AccessLogSettings/DestinationArn"), "ApiAccessLogs"));
        assertTrue(Templates.refersTo(stage.at("/DefaultRouteSettings/ThrottlingRateLimit"), "ApiThrottlingRateLimit"));
        assertTrue(Templates.refersTo(stage.at("/DefaultRouteSettings/ThrottlingBurstLimit"), "ApiThrottlingBurstLimit"));
    }

    @Test
    void scheduledFunctionsHaveDeadLetterQueuesAndNoReservedConcurrency() {
        for (String queue : List.of("TelemetryMaintenanceDeadLetters", "TelemetryReplayDeadLetters", "EdgeBlockSyncDeadLetters")) {
            assertEquals("AWS::SQS::Queue", resource(queue).path("Type").asText());
        }
        int targets = 0;
        for (JsonNode rule : Templates.resourcesOfType(stack, "AWS::Events::Rule").values()) {
            for (JsonNode target : rule.at("/Properties/Targets")) {
                assertFalse(target.at("/DeadLetterConfig/Arn").isMissingNode(), "schedule without a dead-letter queue: " + rule);
                targets++;
            }
        }
        assertEquals(3, targets, "daily upkeep, replay, edge sync");
        // A reservation fails in accounts whose concurrency quota is at its minimum.
        Templates.resourcesOfType(stack, "AWS::Lambda::Function").forEach((id, function) ->
                assertTrue(function.at("/Properties/ReservedConcurrentExecutions").isMissingNode(), id));
    }

    @Test
    void aScheduledFunctionThatFailsLandsItsEventInAQueueAndRaisesAnAlarm() {
        // The functions the schedules invoke, found from the rules: a new schedule cannot skip this test.
        Set<String> scheduled = new TreeSet<>();
        for (JsonNode rule : Templates.resourcesOfType(stack, "AWS::Events::Rule").values()) {
            for (JsonNode target : rule.at("/Properties/Targets")) {
                String alias = target.at("/Arn/Ref").asText();
                assertTrue(alias.endsWith("Aliaslive"), "a schedule that does not invoke an alias: " + target);
                scheduled.add(alias.substring(0, alias.length() - "Aliaslive".length()));
            }
        }
        assertEquals(Set.of("TelemetryMaintenanceFunction", "EdgeBlockSyncFunction"), scheduled);
        Map<String, String> failureQueues = Map.of(
                "TelemetryMaintenanceFunction", "TelemetryMaintenanceFailures",
                "EdgeBlockSyncFunction", "EdgeBlockSyncFailures");
        JsonNode alarmTopic = resource("FeedErrorRateAlarm").at("/Properties/AlarmActions");
        for (String function : scheduled) {
            String condition = resource(function).path("Condition").asText(null);
            JsonNode invokeConfig = eventInvokeConfigOf(function);
            // The schedules invoke the alias; a configuration of $LATEST would never apply.
            assertEquals("live", invokeConfig.at("/Properties/Qualifier").asText(), function);
            int retries = invokeConfig.at("/Properties/MaximumRetryAttempts").asInt(-1);
            assertTrue(retries >= 0 && retries <= 2, function + " retries " + retries);
            int maximumAge = invokeConfig.at("/Properties/MaximumEventAgeInSeconds").asInt(-1);
            assertTrue(maximumAge >= 60 && maximumAge <= 3600, function + " keeps an event " + maximumAge + " s");

            String queue = failureQueues.get(function);
            assertTrue(Templates.refersTo(invokeConfig.at("/Properties/DestinationConfig/OnFailure/Destination"), queue),
                    function + "'s failed events go to " + invokeConfig.at("/Properties/DestinationConfig"));
            assertResource(queue, "AWS::SQS::Queue", condition);
            assertTrue(resource(queue).at("/Properties/SqsManagedSseEnabled").asBoolean(), queue + " is not encrypted");

            JsonNode depth = alarmOn("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue, condition);
            assertEquals(0, depth.at("/Properties/Threshold").asInt(-1), "one failed run in " + queue + " is worth a look");
            assertEquals(alarmTopic, depth.at("/Properties/AlarmActions"), queue);
            JsonNode errors = alarmOn("AWS/Lambda", "Errors", "FunctionName", function, condition);
            assertEquals(alarmTopic, errors.at("/Properties/AlarmActions"), function);
        }
        // The migrator answers FAILED itself; the alarm is for the runs that die before they can.
        JsonNode migrationErrors = alarmOn("AWS/Lambda", "Errors", "FunctionName", "MigrationFunction", null);
        assertEquals(alarmTopic, migrationErrors.at("/Properties/AlarmActions"));
    }

    private static JsonNode eventInvokeConfigOf(String function) {
        List<JsonNode> configs = Templates.resourcesOfType(stack, "AWS::Lambda::EventInvokeConfig").values().stream()
                .filter(config -> Templates.refersTo(config.at("/Properties/FunctionName"), function))
                .toList();
        assertEquals(1, configs.size(), function + "'s asynchronous invocation configurations");
        return configs.get(0);
    }

    /** The one alarm on this metric of this resource (Ref or GetAtt in its dimension), created with it. */
    private static JsonNode alarmOn(String namespace, String metric, String dimension, String resourceId, String condition) {
        List<Map.Entry<String, JsonNode>> alarms = Templates.resourcesOfType(stack, "AWS::CloudWatch::Alarm").entrySet().stream()
                .filter(alarm -> {
                    JsonNode properties = alarm.getValue().path("Properties");
                    if (!namespace.equals(properties.path("Namespace").asText()) || !metric.equals(properties.path("MetricName").asText())) {
                        return false;
                    }
                    for (JsonNode d : properties.path("Dimensions")) {
                        if (dimension.equals(d.path("Name").asText()) && Templates.refersTo(d.path("Value"), resourceId)) {
                            return true;
                        }
                    }
                    return false;
                })
                .toList();
        assertEquals(1, alarms.size(), "alarms on " + namespace + " " + metric + " of " + resourceId + ": " + alarms);
        assertResource(alarms.get(0).getKey(), "AWS::CloudWatch::Alarm", condition);
        return alarms.get(0).getValue();
    }

    @Test
    void migrationsRunBeforeAnyFunctionAndCanaryDeploysWatchTheFunctionsAlarms() {
        JsonNode migration = resource("DatabaseMigration");
        assertEquals("Custom::DatabaseMigration", migration.path("Type").asText());
        assertTrue(Templates.refersTo(migration.at("/Properties/ServiceToken"), "MigrationFunction"));
        assertTrue(Templates.refersTo(migration.at("/Properties/MigrationsVersion"), "MigrationFunctionVersion")
                        || migration.at("/Properties/MigrationsVersion").toString().contains("MigrationFunctionVersion"),
                "a new migrator version must update (= run) the migrations: " + migration.at("/Properties/MigrationsVersion"));
        List<String> functions = new ArrayList<>(API_FUNCTIONS);
        functions.addAll(List.of("TelemetryMaintenanceFunction", "EdgeBlockSyncFunction"));
        for (String id : functions) {
            assertTrue(resource(id).path("DependsOn").toString().contains("DatabaseMigration"), id + " may start before the schema");
        }
        Map<String, JsonNode> groups = Templates.resourcesOfType(stack, "AWS::CodeDeploy::DeploymentGroup");
        assertEquals(4, groups.size(), "one gradual deployment per API function");
        for (String fn : List.of("Feed", "Auth", "RateLimit", "Telemetry")) {
            JsonNode group = groups.get(fn + "FunctionDeploymentGroup");
            assertNotNull(group, fn);
            String alarms = group.at("/Properties/AlarmConfiguration/Alarms").toString();
            assertTrue(alarms.contains(fn + "ErrorRateAlarm") && alarms.contains(fn + "LatencyAlarm"), fn + ": " + alarms);
        }
    }
}
