package io.paddock.shared.snapshot;

import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.db.Database;
import io.paddock.shared.http.OriginLock;
import io.paddock.shared.ids.RenewableRandom;
import io.paddock.shared.observability.RequestLog;
import io.paddock.shared.redis.RedisDataSources;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.jboss.logging.Logger;

/**
 * The Lambda SnapStart runtime hooks of a function container: what runs just before the snapshot
 * ({@link #beforeCheckpoint}) and after every restore from it ({@link #afterRestore}).
 *
 * <p>Why: SnapStart runs init once, snapshots the JVM, and resumes any number of copies from that image,
 * possibly hours later. What init left behind that belongs to one moment or one machine must not survive
 * into the copies:
 * <ul>
 * <li><b>connections</b> — PostgreSQL (Agroal pool, {@link Database#dropConnections}) and Redis (the Vert.x
 * client, {@link RedisDataSources#dropConnections}): the peer never saw the restore, so a pooled connection
 * is dead in a copy, and the first request to use it would wait out a timeout. They are closed before the
 * snapshot (priming opened them) and again after each restore (in case anything opened one in between).
 * DynamoDB's HTTP connections are the JDK's keep-alive cache, which never reuses a connection idle for longer
 * than its keep-alive time (5 s unless the server says otherwise) by the wall clock, and a restore is always
 * later than that;</li>
 * <li><b>credentials with an expiry</b> — the RDS and ElastiCache IAM tokens are forgotten with their
 * connections, so the next sign-in signs a new one with credentials resolved afresh. (Their age is measured on
 * the wall clock, which jumps forward across a restore, so a token older than 10 minutes is re-signed anyway;
 * the AWS SDK's cached role credentials refresh by their own expiry on the same clock.);</li>
 * <li><b>randomness</b> — every {@link RenewableRandom} (ids, refresh-token secrets, salts, limiter members,
 * back-off jitter) gets a freshly seeded generator, so copies never draw the same bytes; the reasoning is in
 * {@link RenewableRandom}.</li>
 * </ul>
 *
 * <p>Priming: with {@code paddock.snapshot.prime} (on by default; only a checkpoint runs it, so only in
 * Lambda) the function's own {@link PrimingRequests} are driven through its Lambda handler before the
 * connections are dropped (the signed-in ones with tokens of {@link AccessTokens.PrimingSignIn}, refused again
 * before the snapshot is taken), so class loading and first compilation of the hot paths happen inside the
 * snapshot instead of in the first user's request after each restore. {@code paddock.snapshot.prime-at-init}
 * runs the same at the end of init on any JVM ({@link LambdaEntryPoint}), to measure it locally.
 *
 * <p>Registration: once per container, when the application starts, with {@code org.crac}'s global context —
 * which the Lambda managed runtime drives; on any other JVM org.crac's context never calls back, so tests
 * call the two hooks directly. The context holds resources weakly; this bean, application scoped, keeps
 * itself alive. Hazards: the hooks assume no request is running (the runtime calls them between
 * invocations): connections in use are closed too. A hook never throws for a store that is down — a copy
 * must still start, and its requests find the store down as they would have anyway.
 */
@Startup
@ApplicationScoped
public class SnapshotHooks implements Resource {

    private static final Logger LOG = Logger.getLogger(SnapshotHooks.class);
    /** How long the hooks wait for the PostgreSQL pool to close its connections. */
    private static final Duration DROP_LIMIT = Duration.ofSeconds(5);

    /** Resolved when a hook runs: an application without PostgreSQL or Redis (the library's own test app) has none. */
    private final Instance<Database> database;
    private final Instance<RedisDataSources> redis;
    private final PaddockConfig.Snapshot settings;
    private final OriginLock originLock;
    private final Instance<PrimingRequests> primingRequests;
    private final Instance<RequestLog> requestLog;
    private final AccessTokens accessTokens;

    @Inject
    public SnapshotHooks(Instance<Database> database, Instance<RedisDataSources> redis, PaddockConfig config, OriginLock originLock,
            Instance<PrimingRequests> primingRequests, Instance<RequestLog> requestLog, AccessTokens accessTokens) {
        this.database = database;
        this.redis = redis;
        this.settings = config.snapshot();
        this.originLock = originLock;
        this.primingRequests = primingRequests;
        this.requestLog = requestLog;
        this.accessTokens = accessTokens;
    }

    @PostConstruct
    void register() {
        Core.getGlobalContext().register(this);
    }

    /** Primes (when configured), then drops every connection: nothing of this moment's network goes into the snapshot. */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        if (settings.prime()) {
            prime();
        }
        dropConnections("before the snapshot");
    }

    /** New randomness, then no connection or token from before the snapshot: the first request opens its own. */
    @Override
    public void afterRestore(Context<? extends Resource> context) {
        int renewed = RenewableRandom.renewAll();
        dropConnections("after the restore");
        if (requestLog.isResolvable()) {
            // Priming served requests before the snapshot; the copy's first real one is still its cold start.
            requestLog.get().nextRequestIsColdStart();
        }
        LOG.infof("SnapStart restore: %d random generators reseeded", renewed);
    }

    /** What {@code paddock.snapshot.prime-at-init} asks for at the end of init; nothing when it is off. */
    public Optional<Priming.Report> primeIfAskedAtInit() {
        return settings.primeAtInit() ? prime() : Optional.empty();
    }

    /**
     * Drives every priming request of the function through its Lambda handler; empty when the application has
     * no Lambda handler (the all-routes local app) and so nothing to prime through.
     */
    public Optional<Priming.Report> prime() {
        Optional<PrimingDispatch> dispatch = LambdaHttpDispatch.ifAvailable(originLock);
        if (dispatch.isEmpty()) {
            LOG.info("SnapStart priming skipped: this application has no Lambda HTTP handler");
            return Optional.empty();
        }
        List<PrimingRequest> requests = primingRequests.stream().flatMap(r -> r.requests().stream()).toList();
        Priming.Report report;
        try (AccessTokens.PrimingSignIn signIn = accessTokens.signInForPriming()) {
            report = Priming.run(requests, dispatch.get(), signIn::token);
        } catch (RuntimeException e) {
            // A hook that throws fails the publish; without tokens, the signed-in requests fail and are reported.
            LOG.warnf("SnapStart priming: no priming sign-in (%s)", e.toString());
            report = Priming.run(requests, dispatch.get(), role -> {
                throw new IllegalStateException("no priming sign-in");
            });
        }
        if (report.allAsExpected()) {
            LOG.infof("SnapStart priming: %s", report);
        } else {
            LOG.warnf("SnapStart priming: %s", report);
        }
        return Optional.of(report);
    }

    private void dropConnections(String when) {
        try {
            long postgres = database.isResolvable() ? database.get().dropConnections(DROP_LIMIT) : 0;
            if (redis.isResolvable()) {
                redis.get().dropConnections();
            }
            LOG.infof("SnapStart %s: %d PostgreSQL connections closed, Redis client renewed, IAM tokens (if any) forgotten", when, postgres);
        } catch (RuntimeException e) {
            LOG.warnf("SnapStart %s: dropping connections failed: %s", when, e.toString());
        }
    }
}
