package io.paddock.shared.dynamo;

import io.paddock.shared.observability.RequestRecords;
import io.paddock.shared.resilience.StoreBreaker;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every DynamoDB call passes here: skipped at once while the breaker is open (callers fail closed with
 * 503 or take their degraded path), the outcome moves the breaker, and the call is noted on the
 * request's record (an error report's breadcrumbs). A service's "no" (condition failed, validation)
 * is an answer: only transport failures, throttling and 5xx count as the store being down.
 */
public final class DynamoCalls implements ExecutionInterceptor {

    /**
     * Set on a health probe's request: it reaches DynamoDB even while the breaker is open (it is how an
     * operator sees the store is back) and leaves the breaker to the caller.
     */
    public static final ExecutionAttribute<Boolean> PROBE = new ExecutionAttribute<>("paddock.probe");
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("paddock.started");

    private final StoreBreaker breaker;

    DynamoCalls(StoreBreaker breaker) {
        this.breaker = breaker;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(PROBE))) {
            return;
        }
        if (!breaker.allowsRequest()) {
            throw SdkClientException.create("DynamoDB is unavailable (breaker open)");
        }
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (attributes.getAttribute(STARTED) == null) {
            return; // a probe
        }
        breaker.succeeded();
        note(attributes, true);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable failure = context.exception();
        boolean storeDown = !(failure instanceof AwsServiceException service)
                || service.statusCode() >= 500 || service.isThrottlingException();
        if (attributes.getAttribute(STARTED) == null) {
            return; // refused by the open breaker (not a call), or a probe
        }
        if (storeDown) {
            breaker.failed(failure);
        } else {
            breaker.succeeded();
        }
        note(attributes, !storeDown);
    }

    private static void note(ExecutionAttributes attributes, boolean ok) {
        Long started = attributes.getAttribute(STARTED);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        RequestRecords.current().storeCall("dynamodb", operation, started == null ? 0 : (System.nanoTime() - started) / 1_000_000, ok);
    }
}
