package io.paddock.shared.snapshot;

import io.paddock.shared.http.HttpConventions;
import io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import org.jboss.logging.Logger;

/**
 * The Lambda handler of every Paddock HTTP function ({@code template.yaml}): Quarkus' own stream handler,
 * plus, with {@code paddock.snapshot.prime-at-init}, the SnapStart priming run at the end of init — so that a
 * harness on a plain JVM can measure what priming saves the first invocation. Off (the default), it is
 * exactly Quarkus' handler; in Lambda the priming runs at the checkpoint instead ({@link SnapshotHooks}).
 *
 * <p>Quarkus starts the application inside the handler's constructor when its SnapStart support is on (the
 * amazon-lambda extension's default); if it is off, the application starts with the first request, and
 * there is nothing to prime at init.
 */
public class LambdaEntryPoint extends QuarkusStreamHandler {

    private static final Logger LOG = Logger.getLogger(LambdaEntryPoint.class);

    static {
        // Before Quarkus starts (in the constructor): a malformed request target gets the contract's problem.
        HttpConventions.answerUnparsableTargetsHere();
    }

    public LambdaEntryPoint() {
        super();
        ArcContainer container = Arc.container();
        if (container == null || !container.isRunning()) {
            LOG.debug("the application starts with the first request (quarkus.snapstart.enable=false): no priming at init");
            return;
        }
        container.instance(SnapshotHooks.class).get().primeIfAskedAtInit();
    }
}
