package io.paddock.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/**
 * The DynamoDB tables exactly as template.yaml declares them, created on a local endpoint. The
 * template is the one definition: what AWS builds on {@code sam deploy} is what tests and the local
 * stack run on. The template is packaged into this module's jar at build time (paddock/template.yaml).
 */
public final class TemplateTables {

    static final String TEMPLATE_RESOURCE = "paddock/template.yaml";

    private final CloudFormationTemplate template;

    private TemplateTables(CloudFormationTemplate template) {
        this.template = template;
    }

    public static TemplateTables fromTemplate() {
        return new TemplateTables(packagedTemplate());
    }

    public static CloudFormationTemplate packagedTemplate() {
        try (InputStream in = TemplateTables.class.getClassLoader().getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATE_RESOURCE + " is not on the classpath (build paddock-embedded)");
            }
            return CloudFormationTemplate.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates every table of the template that does not exist yet.
     *
     * @return environment variable → local table name (e.g. DYNAMODB_IDEMPOTENCY_TABLE → paddock-idempotency)
     */
    public Map<String, String> createMissing(DynamoDbClient client) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> envVarByTable = envVarsReferencingTables();
        template.dynamoDbTables().forEach((logicalId, properties) -> {
            String name = localName(logicalId);
            create(client, name, properties);
            String envVar = envVarByTable.get(logicalId);
            if (envVar == null) {
                throw new IllegalStateException("template.yaml: no function environment variable refers to " + logicalId);
            }
            names.put(envVar, name);
        });
        return names;
    }

    /** IdempotencyTable → paddock-idempotency; RefreshTokenFamiliesTable → paddock-refresh-token-families. */
    static String localName(String logicalId) {
        String base = logicalId.endsWith("Table") ? logicalId.substring(0, logicalId.length() - 5) : logicalId;
        return "paddock-" + base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Table logical id → the environment variable that names it, in Globals or any function's own environment. */
    @SuppressWarnings("unchecked")
    private Map<String, String> envVarsReferencingTables() {
        Map<String, String> result = new LinkedHashMap<>();
        List<Object> environments = new ArrayList<>();
        environments.add(dig(template.document().get("Globals"), "Function", "Environment", "Variables"));
        Object resources = template.document().get("Resources");
        if (resources instanceof Map<?, ?> all) {
            all.values().forEach(resource -> environments.add(dig(resource, "Properties", "Environment", "Variables")));
        }
        for (Object variables : environments) {
            if (variables instanceof Map<?, ?> map) {
                ((Map<String, Object>) map).forEach((name, value) -> {
                    if (value instanceof Map<?, ?> ref && ref.get("Ref") instanceof String target) {
                        String earlier = result.putIfAbsent(target, name);
                        if (earlier != null && !earlier.equals(name)) {
                            throw new IllegalStateException("template.yaml: " + target + " is named by both " + earlier
                                    + " and " + name);
                        }
                    }
                });
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static void create(DynamoDbClient client, String name, Map<String, Object> properties) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        for (Map<String, Object> a : (List<Map<String, Object>>) properties.get("AttributeDefinitions")) {
            attributes.add(AttributeDefinition.builder()
                    .attributeName((String) a.get("AttributeName"))
                    .attributeType((String) a.get("AttributeType"))
                    .build());
        }
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(attributes)
                .keySchema(keySchema(properties.get("KeySchema")))
                .billingMode(BillingMode.PAY_PER_REQUEST);
        Object indexes = properties.get("GlobalSecondaryIndexes");
        if (indexes instanceof List<?> list && !list.isEmpty()) {
            List<GlobalSecondaryIndex> gsis = new ArrayList<>();
            for (Object o : list) {
                Map<String, Object> index = (Map<String, Object>) o;
                Map<String, Object> projection = (Map<String, Object>) index.get("Projection");
                Projection.Builder p = Projection.builder().projectionType((String) projection.get("ProjectionType"));
                if (projection.get("NonKeyAttributes") instanceof List<?> nonKey) {
                    p.nonKeyAttributes((List<String>) nonKey);
                }
                gsis.add(GlobalSecondaryIndex.builder()
                        .indexName((String) index.get("IndexName"))
                        .keySchema(keySchema(index.get("KeySchema")))
                        .projection(p.build())
                        .build());
            }
            request.globalSecondaryIndexes(gsis);
        }
        try {
            client.createTable(request.build());
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        if (properties.get("TimeToLiveSpecification") instanceof Map<?, ?> ttl) {
            client.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(TimeToLiveSpecification.builder()
                    .attributeName((String) ttl.get("AttributeName"))
                    .enabled(Boolean.TRUE.equals(ttl.get("Enabled")) || "true".equals(String.valueOf(ttl.get("Enabled"))))
                    .build()));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<KeySchemaElement> keySchema(Object schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        for (Map<String, Object> k : (List<Map<String, Object>>) schema) {
            keys.add(KeySchemaElement.builder()
                    .attributeName((String) k.get("AttributeName"))
                    .keyType((String) k.get("KeyType"))
                    .build());
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    static Object dig(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = ((Map<String, Object>) map).get(key);
        }
        return current;
    }
}
