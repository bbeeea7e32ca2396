package io.paddock.db.deploy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paddock.db.Migrations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * "Migrations on deploy": the AWS Lambda handler behind a CloudFormation custom resource that applies the
 * Flyway migrations before the functions' new versions take traffic (they DependsOn it), so a deploy never
 * serves code against an older schema. Handler:
 * {@code io.paddock.db.deploy.MigrationsCustomResource::handleRequest}, runtime java21, code
 * {@code infra/db/target/function.zip}; configuration in {@link DeploySettings}.
 *
 * <ul>
 * <li>Create, Update: migrate (applying nothing when the schema is current), then ensure the application's
 *     login role; SUCCESS with Data {@code SchemaVersion} and {@code Applied} (strings, for Fn::GetAtt), or
 *     FAILED with a one-line reason, and CloudFormation rolls the deploy back. Migrations only go forward:
 *     on rollback the old code meets the new schema, so a migration must keep the previous release working
 *     (expand now, contract in a later release).</li>
 * <li>Delete: nothing is done to the database, ever: deleting the stack or replacing this resource must
 *     not drop data. The PhysicalResourceId stays {@value #PHYSICAL_RESOURCE_ID}, so no Update looks like a
 *     replacement.</li>
 * </ul>
 *
 * <p>Every invocation that carries a ResponseURL gets an answer, whatever fails (configuration, secrets, the
 * database, a bug): without one CloudFormation waits an hour (or the resource's ServiceTimeout) before
 * failing. The work stops {@link #ANSWER_RESERVE} before Lambda's timeout, leaving time to answer.
 */
public final class MigrationsCustomResource implements RequestStreamHandler {

    static final String PHYSICAL_RESOURCE_ID = "paddock-schema";
    /** Time kept back from the work for the answer: one whole upload attempt plus the abort and a margin. */
    public static final Duration ANSWER_RESERVE = ResponseUpload.ATTEMPT.plusSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final Secrets secrets;
    private final Duration answerReserve;
    private final ResponseUpload upload = new ResponseUpload();

    /** For the Lambda runtime: the process environment and Secrets Manager. */
    public MigrationsCustomResource() {
        this(System.getenv(), new SecretsManagerSecrets(), ANSWER_RESERVE);
    }

    /** {@code answerReserve}: how long before the function's timeout the work is abandoned. */
    public MigrationsCustomResource(Map<String, String> env, Secrets secrets, Duration answerReserve) {
        this.env = Map.copyOf(env);
        this.secrets = secrets;
        this.answerReserve = answerReserve;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        long started = System.nanoTime();
        CustomResourceRequest request;
        try {
            request = CustomResourceRequest.parse(input.readAllBytes(), JSON);
        } catch (IllegalArgumentException e) {
            context.getLogger().log("not answered: " + e.getMessage());
            throw e;
        }
        CustomResourceResponse response = answer(request, context);
        context.getLogger().log(request.requestType() + " " + response.physicalResourceId() + ": " + response.status()
                + ", " + response.reason() + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)");
        byte[] body = JSON.writeValueAsBytes(response);
        try {
            int status = upload.put(request.responseUrl(), body, context::getRemainingTimeInMillis);
            context.getLogger().log("answer to " + request.responseUrl().getHost() + ": HTTP " + status);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // Nothing left to tell CloudFormation with; the log is where an operator looks.
            context.getLogger().log("answer to " + request.responseUrl().getHost() + " NOT delivered: " + Migrations.oneLine(e));
        }
        output.write(body);
    }

    /** Never throws: every failure, expected or not, becomes FAILED with its reason. */
    private CustomResourceResponse answer(CustomResourceRequest request, Context context) {
        // Create has no id yet; afterwards keep the one CloudFormation holds: a new one would mean "replaced"
        String physicalId = request.physicalResourceId() != null ? request.physicalResourceId() : PHYSICAL_RESOURCE_ID;
        try {
            return switch (String.valueOf(request.requestType())) {
                case "Create", "Update" -> migrate(request, physicalId, context);
                case "Delete" -> CustomResourceResponse.success(request, physicalId,
                        "nothing done: the schema and its data outlive the stack", Map.of());
                default -> CustomResourceResponse.failed(request, physicalId,
                        "unknown RequestType " + request.requestType() + " (expected Create, Update or Delete)");
            };
        } catch (Throwable t) { // an Error too: whatever happened, CloudFormation must hear of it
            return CustomResourceResponse.failed(request, physicalId,
                    "unexpected " + t.getClass().getSimpleName() + ": " + Migrations.oneLine(t));
        }
    }

    private CustomResourceResponse migrate(CustomResourceRequest request, String physicalId, Context context) {
        Duration budget = Duration.ofMillis(context.getRemainingTimeInMillis()).minus(answerReserve);
        try {
            SchemaDeployment.Outcome outcome = new SchemaDeployment(env, secrets).run(budget);
            Map<String, String> data = new LinkedHashMap<>();
            data.put("SchemaVersion", String.valueOf(outcome.schemaVersion()));
            data.put("Applied", Integer.toString(outcome.applied()));
            String reason = "schema at version " + outcome.schemaVersion() + ", " + outcome.applied() + " migration(s) applied"
                    + outcome.appLogin().map(login -> "; app login " + login + " ready").orElse("");
            return CustomResourceResponse.success(request, physicalId, reason, data);
        } catch (SchemaDeployment.Failure e) {
            return CustomResourceResponse.failed(request, physicalId, e.getMessage());
        }
    }
}
