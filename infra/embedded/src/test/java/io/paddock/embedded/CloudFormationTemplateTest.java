package io.paddock.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudFormationTemplateTest {

    private static CloudFormationTemplate parse(String yaml) {
        return CloudFormationTemplate.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static CloudFormationTemplate realTemplate() {
        return CloudFormationTemplate.read(SamTemplateSchemaTest.findRepoRoot().resolve("template.yaml"));
    }

    @Test
    void shortFormsBecomeLongForm() {
        Map<String, Object> doc = parse("""
                AWSTemplateFormatVersion: 2010-09-09
                Outputs:
                  ref: !Ref Api
                  condition: !Condition IsProd
                  getAtt: !GetAtt Db.Endpoint.Address
                  getAttList: !GetAtt [Db, Arn]
                  subList: !Sub
                    - https://${Id}.example.com/${Stage}
                    - Id: !Ref Api
                  join: !Join ['', [a, !Ref Stage, !Select [0, !GetAZs '']]]
                  mapping: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}
                  plain: [1, true, text]
                """).document();

        Map<?, ?> outputs = (Map<?, ?>) doc.get("Outputs");
        assertEquals("2010-09-09", doc.get("AWSTemplateFormatVersion"));
        assertEquals(Map.of("Ref", "Api"), outputs.get("ref"));
        assertEquals(Map.of("Condition", "IsProd"), outputs.get("condition"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Db", "Endpoint.Address")), outputs.get("getAtt"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Db", "Arn")), outputs.get("getAttList"));
        assertEquals(Map.of("Fn::Sub", List.of("https://${Id}.example.com/${Stage}", Map.of("Id", Map.of("Ref", "Api")))),
                outputs.get("subList"));
        assertEquals(Map.of("Fn::Join", List.of("", List.of("a", Map.of("Ref", "Stage"),
                Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", "")))))), outputs.get("join"));
        assertEquals(Map.of("Fn::Transform", Map.of("Name", "AWS::Include", "Parameters", Map.of("Location", "s3://b/k"))),
                outputs.get("mapping"));
        assertEquals(List.of(1, true, "text"), outputs.get("plain"));
    }

    @Test
    void documentCannotBeChangedBehindTheReadersBack() {
        Map<String, Object> doc = parse("Resources: {A: {Type: X}}").document();
        assertThrows(UnsupportedOperationException.class, () -> doc.put("Resources", Map.of()));
        assertThrows(UnsupportedOperationException.class, () -> ((Map<?, ?>) doc.get("Resources")).clear());
    }

    @Test
    void parseErrorsNameTheFileAndTheProblem(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "Resources:\n  A: [unclosed\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CloudFormationTemplate.read(broken));
        assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());

        Path duplicate = Files.writeString(dir.resolve("dup.yaml"), "Resources:\n  A: {Type: X}\n  A: {Type: Y}\n");
        e = assertThrows(IllegalArgumentException.class, () -> CloudFormationTemplate.read(duplicate));
        assertTrue(e.getMessage().contains("dup.yaml") && e.getMessage().contains("duplicate"), e.getMessage());

        Path badGetAtt = Files.writeString(dir.resolve("getatt.yaml"), "Outputs:\n  X: !GetAtt NoAttribute\n");
        e = assertThrows(IllegalArgumentException.class, () -> CloudFormationTemplate.read(badGetAtt));
        assertTrue(e.getMessage().contains("getatt.yaml") && e.getMessage().contains("LogicalId.Attribute"), e.getMessage());

        Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
        e = assertThrows(IllegalArgumentException.class, () -> CloudFormationTemplate.read(list));
        assertTrue(e.getMessage().contains("list.yaml") && e.getMessage().contains("mapping"), e.getMessage());

        Path missing = dir.resolve("missing.yaml");
        UncheckedIOException io = assertThrows(UncheckedIOException.class, () -> CloudFormationTemplate.read(missing));
        assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
    }

    @Test
    void routesOfTheRealTemplateAreUniqueAndOnTheirFunctions() {
        List<CloudFormationTemplate.Route> routes = realTemplate().httpApiRoutes();

        Set<String> seen = new HashSet<>();
        for (CloudFormationTemplate.Route route : routes) {
            assertTrue(seen.add(route.method() + " " + route.path()), "declared twice: " + route);
            assertEquals(route.method().toUpperCase(), route.method());
            assertTrue(route.path().startsWith("/v1/") || route.path().equals("$default"), "not under /v1: " + route);
        }
        Map<String, String> functionOf = routes.stream()
                .collect(Collectors.toMap(r -> r.method() + " " + r.path(), CloudFormationTemplate.Route::functionId));
        assertEquals("RateLimitFunction", functionOf.get("GET /v1/health"));
        assertEquals("AuthFunction", functionOf.get("POST /v1/auth/login"));
        assertEquals("FeedFunction", functionOf.get("PUT /v1/follows/users/{handle}"));
        assertEquals("FeedFunction", functionOf.get("DELETE /v1/follows/users/{handle}"));
        assertEquals("TelemetryFunction", functionOf.get("GET /v1/events"));
        assertEquals("TelemetryFunction", functionOf.get("POST /v1/events"));
        assertEquals("RateLimitFunction", functionOf.get("DELETE /v1/admin/rate-limits/blocks/{key}"));
        assertEquals("RateLimitFunction", functionOf.get("GET /v1/admin/audit"));
        assertEquals("RateLimitFunction", functionOf.get("ANY $default"), "unmatched requests need a function");
        assertEquals("AuthFunction", functionOf.get("DELETE /v1/auth/me"));
        assertEquals("AuthFunction", functionOf.get("DELETE /v1/admin/users/{userId}"));
        assertEquals("AuthFunction", functionOf.get("POST /v1/auth/oidc/{provider}"));
        assertEquals("AuthFunction", functionOf.get("POST /v1/admin/api-keys"));
        assertEquals("AuthFunction", functionOf.get("DELETE /v1/admin/api-keys/{id}"));
        assertEquals(34, routes.size(), "the contract's 33 routes and $default: " + functionOf.keySet());
    }

    @Test
    void routesDefaultLikeSamDoes() {
        CloudFormationTemplate template = parse("""
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Events:
                        Catchall: {Type: HttpApi}
                        Lower: {Type: HttpApi, Properties: {Method: get, Path: /x}}
                        Queue: {Type: SQS, Properties: {Queue: arn}}
                  NotAFunction:
                    Type: AWS::Serverless::Api
                """);
        assertEquals(List.of(new CloudFormationTemplate.Route("ANY", "$default", "Fn"),
                new CloudFormationTemplate.Route("GET", "/x", "Fn")), template.httpApiRoutes());
    }

    @Test
    void codeUriOfTheFourFunctions() {
        CloudFormationTemplate template = realTemplate();
        assertEquals(Optional.of("functions/feed/target/function.zip"), template.codeUri("FeedFunction"));
        assertEquals(Optional.of("functions/auth/target/function.zip"), template.codeUri("AuthFunction"));
        assertEquals(Optional.of("functions/ratelimit/target/function.zip"), template.codeUri("RateLimitFunction"));
        assertEquals(Optional.of("functions/telemetry/target/function.zip"), template.codeUri("TelemetryFunction"));
        assertEquals(Optional.empty(), template.codeUri("IdempotencyTable"));
        assertEquals(Optional.empty(), template.codeUri("Nope"));
    }

    @Test
    void dynamoDbTablesOfTheRealTemplate() {
        Map<String, Map<String, Object>> tables = realTemplate().dynamoDbTables();

        assertEquals(Set.of("IdempotencyTable", "RefreshTokenFamiliesTable", "ParkedEventsTable"), tables.keySet());
        assertEquals(List.of(Map.of("AttributeName", "batchId", "KeyType", "HASH")),
                tables.get("ParkedEventsTable").get("KeySchema"));
        // Parked batches expire with the telemetry retention (their events would be dropped by then anyway).
        assertEquals(Map.of("AttributeName", "expiresAt", "Enabled", true),
                tables.get("ParkedEventsTable").get("TimeToLiveSpecification"));
        Map<String, Object> idempotency = tables.get("IdempotencyTable");
        assertEquals(List.of(Map.of("AttributeName", "pk", "KeyType", "HASH")), idempotency.get("KeySchema"));
        assertEquals(Map.of("AttributeName", "expiresAt", "Enabled", true), idempotency.get("TimeToLiveSpecification"));

        Map<String, Object> families = tables.get("RefreshTokenFamiliesTable");
        assertEquals(List.of(Map.of("AttributeName", "familyId", "KeyType", "HASH")), families.get("KeySchema"));
        List<?> indexes = (List<?>) families.get("GlobalSecondaryIndexes");
        assertEquals(List.of(Map.of(
                "IndexName", "byUser",
                "KeySchema", List.of(Map.of("AttributeName", "userId", "KeyType", "HASH"),
                        Map.of("AttributeName", "createdAt", "KeyType", "RANGE")),
                "Projection", Map.of("ProjectionType", "ALL"))), indexes);
        for (Map<String, Object> table : tables.values()) {
            assertEquals("PAY_PER_REQUEST", table.get("BillingMode"));
            assertEquals(Map.of("PointInTimeRecoveryEnabled", true), table.get("PointInTimeRecoverySpecification"));
            assertEquals(Map.of("SSEEnabled", true), table.get("SSESpecification"));
        }
    }
}
