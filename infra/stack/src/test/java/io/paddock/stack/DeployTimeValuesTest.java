package io.paddock.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeployTimeValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final JsonNode TEMPLATE = json("""
            {"Parameters": {
               "Origins": {"Type": "String"},
               "Rate": {"Type": "Number", "Default": 0.1},
               "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}}}
            """);

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private final DeployTimeValues values = new DeployTimeValues(TEMPLATE,
            Map.of("Origins", "https://a", "Subnets", List.of("subnet-1", "subnet-2")),
            Map.of("Digest.Value", "abc"));

    @Test
    void parametersPseudoParametersAndGivenAttributesAreResolved() {
        JsonNode resolved = values.resolve(json("""
                {"origins": {"Ref": "Origins"},
                 "rate": {"Ref": "Rate"},
                 "subnets": {"Ref": "Subnets"},
                 "sub": {"Fn::Sub": "config ${Digest.Value} in ${AWS::Region} for ${Origins} ${!Literal}"},
                 "subWithVariables": {"Fn::Sub": ["${Name}-${Origins}", {"Name": {"Ref": "Rate"}}]},
                 "join": {"Fn::Join": [",", [{"Ref": "Origins"}, "b"]]},
                 "gone": {"Ref": "AWS::NoValue"}}
                """));

        assertEquals(json("""
                {"origins": "https://a", "rate": "0.1", "subnets": ["subnet-1", "subnet-2"],
                 "sub": "config abc in us-east-1 for https://a ${Literal}",
                 "subWithVariables": "0.1-https://a", "join": "https://a,b"}
                """), resolved);
    }

    @Test
    void conditionsAreWorkedOutFromTheParametersAndResourcesGetStandInsOnlyWhenAskedFor() {
        JsonNode template = json("""
                {"Parameters": {"ExistingCache": {"Type": "String", "Default": ""}, "Stage": {"Type": "String"}},
                 "Conditions": {"CreateCache": {"Fn::Equals": [{"Ref": "ExistingCache"}, ""]},
                                "Prod": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
                                "Both": {"Fn::And": [{"Condition": "CreateCache"}, {"Fn::Not": [{"Condition": "Prod"}]}]}},
                 "Resources": {"Cache": {"Type": "AWS::ElastiCache::ServerlessCache"}}}
                """);
        JsonNode node = json("""
                {"url": {"Fn::If": ["CreateCache", {"Fn::GetAtt": ["Cache", "Endpoint.Address"]}, {"Ref": "ExistingCache"}]},
                 "both": {"Fn::If": ["Both", "yes", "no"]}}
                """);
        DeployTimeValues created = new DeployTimeValues(template, Map.of("Stage", "dev"), Map.of());
        assertThrows(IllegalArgumentException.class, () -> created.resolve(node), "a resource attribute is not guessed");
        assertEquals(json("{\"url\": \"<Cache.Endpoint.Address>\", \"both\": \"yes\"}"),
                created.withResourceStandIns().resolve(node));
        assertEquals(json("{\"url\": \"rediss://mine\", \"both\": \"no\"}"),
                new DeployTimeValues(template, Map.of("Stage", "dev", "ExistingCache", "rediss://mine"), Map.of()).resolve(node));
    }

    @Test
    void whatIsOnlyKnownAtDeployTimeIsRefusedNotGuessed() {
        IllegalArgumentException ref = assertThrows(IllegalArgumentException.class,
                () -> values.resolve(json("{\"Ref\": \"SomeBucket\"}")));
        assertTrue(ref.getMessage().contains("SomeBucket"), ref.getMessage());

        IllegalArgumentException getAtt = assertThrows(IllegalArgumentException.class,
                () -> values.resolve(json("{\"Fn::Sub\": \"${Db.Endpoint}\"}")));
        assertTrue(getAtt.getMessage().contains("Db.Endpoint"), getAtt.getMessage());

        assertThrows(IllegalArgumentException.class,
                () -> values.resolve(json("{\"Fn::If\": [\"C\", \"a\", \"b\"]}")));
    }

    @Test
    void theParametersANodeReadsAreFoundInRefsAndSubStrings() {
        JsonNode environment = json("""
                {"A": {"Ref": "Origins"}, "B": {"Fn::Sub": "${Rate}/${AWS::Region}/${Local}"}, "C": {"Ref": "SomeTable"},
                 "D": {"Fn::Sub": ["${Local}", {"Local": {"Ref": "Subnets"}}]}}
                """);

        assertEquals(Set.of("Origins", "Rate", "Subnets"), DeployTimeValues.parametersReferencedBy(environment, TEMPLATE));
    }
}
