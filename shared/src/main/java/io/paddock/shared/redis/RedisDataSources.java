package io.paddock.shared.redis;

import io.paddock.shared.config.PaddockConfig;
import io.paddock.shared.iam.IamAuthTokens;
import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisStandaloneConnectOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RedisClient;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The Redis data sources every caller injects ({@link ReactiveRedisDataSource}, {@link RedisDataSource}),
 * on a client built here from exactly the options Quarkus computed from {@code quarkus.redis.*} (captured
 * as a {@link RedisOptionsCustomizer}), so that with ElastiCache IAM authentication each new connection
 * signs in with a fresh token.
 *
 * <p>Why not Quarkus' own client: quarkus-redis-client 3.33 has no credentials provider for Redis, and
 * its Vert.x Redis client (4.5) copies the password into its connect options once, when the client is
 * created — a customizer can only hand it a token that expires 15 minutes later. But Vert.x reads
 * {@code RedisConnectOptions.getPassword()} afresh for every connection it opens ({@code HELLO 3 AUTH
 * user password}, falling back to {@code AUTH user password}), so this class creates the client with
 * connect options whose password is {@link IamAuthTokens#current()}: every new connection — the first,
 * each one the pool adds, each reconnect after ElastiCache closes an IAM connection (it does so after
 * 12 hours), after a failover or after a Lambda freeze — signs in with a token at most 10 minutes old.
 * The user comes from the endpoint URI ({@code ?user=}, how Vert.x takes a user without a password).
 * Without IAM the client is what Quarkus itself would create ({@code Redis.createClient}); Quarkus' own,
 * unused client stays idle (Vert.x opens no connection before the first command).
 *
 * <p>Hazards: signing happens on the Vert.x event loop that opens the connection (microseconds, unless
 * the credentials provider must renew the role's credentials — see {@link IamAuthTokens}); when no token
 * can be signed the connection is attempted with an unusable password, so it fails like a refused sign-in
 * (the caller's command fails, the breaker counts it) instead of leaving the pool waiting on a connection
 * that never completes. A command in flight on a connection ElastiCache closes at 12 hours fails once.
 * IAM is wired for the standalone client type only (what ElastiCache Serverless's single endpoint takes).
 */
@Singleton
public class RedisDataSources implements RedisOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(RedisDataSources.class);

    private final PaddockConfig config;
    private final Duration timeout;
    private volatile RedisOptions quarkusOptions;
    /** Guarded by {@code this}. */
    private RenewableClient client;
    private ReactiveRedisDataSourceImpl reactive;

    RedisDataSources(PaddockConfig config,
            @ConfigProperty(name = "quarkus.redis.timeout", defaultValue = "10s") Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    /** Quarkus calls this while it builds its default client, before any bean asks for a data source. */
    @Override
    public void customize(String clientName, RedisOptions options) {
        if (RedisConfig.isDefaultClient(clientName)) {
            quarkusOptions = new RedisOptions(options);
        }
    }

    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    ReactiveRedisDataSource reactiveDataSource(io.vertx.mutiny.core.Vertx vertx) {
        return reactive(vertx);
    }

    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    RedisDataSource blockingDataSource(io.vertx.mutiny.core.Vertx vertx) {
        return new BlockingRedisDataSourceImpl(reactive(vertx), timeout);
    }

    private synchronized ReactiveRedisDataSourceImpl reactive(io.vertx.mutiny.core.Vertx vertx) {
        if (reactive == null) {
            RedisOptions options = quarkusOptions;
            if (options == null) {
                throw new IllegalStateException("the Redis client options were not captured: Quarkus did not create "
                        + "its default Redis client (is quarkus.redis.hosts set?)");
            }
            Optional<IamSignIn> iam = iamSignIn();
            client = new RenewableClient(() -> client(vertx.getDelegate(), options, iam), iam.map(IamSignIn::tokens));
            io.vertx.mutiny.redis.client.Redis redis = io.vertx.mutiny.redis.client.Redis.newInstance(client);
            reactive = new ReactiveRedisDataSourceImpl(vertx, redis, io.vertx.mutiny.redis.client.RedisAPI.api(redis));
        }
        return reactive;
    }

    /** The ElastiCache user and its tokens, when IAM is on; checked here again (ConfigCheck lists it at start). */
    private Optional<IamSignIn> iamSignIn() {
        PaddockConfig.Redis redis = config.redis();
        Optional<String> user = redis.iamUser().filter(s -> !s.isBlank());
        if (user.isEmpty()) {
            return Optional.empty();
        }
        if (!redis.url().startsWith("rediss://")) {
            throw new IllegalStateException("paddock.redis.iam-user (REDIS_IAM_USER) needs a rediss:// REDIS_URL: "
                    + "ElastiCache accepts IAM sign-in over TLS only");
        }
        String cache = redis.iamCacheName().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "paddock.redis.iam-user (REDIS_IAM_USER) needs REDIS_IAM_CACHE_NAME"));
        String region = config.awsRegion().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "paddock.redis.iam-user (REDIS_IAM_USER) needs the region to sign for (AWS_REGION)"));
        return Optional.of(new IamSignIn(user.get(),
                IamAuthTokens.elastiCache(cache, user.get(), redis.iamServerless(), region)));
    }

    /** Who signs in, and with which tokens. */
    record IamSignIn(String userId, IamAuthTokens tokens) {
    }

    /**
     * The client for {@code options}; with {@code iam}, one whose every new connection signs in as its user
     * with a current token. Package-private: the TLS requirement is enforced by the caller above, and the
     * tests (embedded Redis has no TLS) reach this without it.
     */
    static Redis client(Vertx vertx, RedisOptions options, Optional<IamSignIn> iam) {
        if (iam.isEmpty()) {
            return Redis.createClient(vertx, options);
        }
        if (options.getType() != RedisClientType.STANDALONE) {
            throw new IllegalStateException("ElastiCache IAM authentication is wired for quarkus.redis.client-type="
                    + "standalone only, not " + options.getType());
        }
        IamSignIn signIn = iam.get();
        RedisOptions signedIn = new RedisOptions(options)
                .setEndpoints(options.getEndpoints().stream().map(e -> withUser(e, signIn.userId())).toList());
        // Sign once now, off the event loop: a missing credential shows at init, and the first connection is quick.
        signIn.tokens().current();
        return new RedisClient(vertx, signedIn.getNetClientOptions(), signedIn.getPoolOptions(),
                new TokenPassword(signedIn, signIn.tokens()), signedIn.getTracingPolicy());
    }

    private static String withUser(String endpoint, String user) {
        return endpoint + (endpoint.contains("?") ? "&" : "?") + "user="
                + URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Connect options whose password is asked for each time Vert.x opens a connection. */
    private static final class TokenPassword extends RedisStandaloneConnectOptions {

        /** Never a valid token: the sign-in fails at once, as a wrong password does. */
        private static final String UNUSABLE = "no-iam-token";

        private final IamAuthTokens tokens;

        TokenPassword(RedisOptions options, IamAuthTokens tokens) {
            super(options);
            this.tokens = tokens;
        }

        @Override
        public String getPassword() {
            try {
                return tokens.current();
            } catch (RuntimeException e) {
                // Thrown here, it would escape Vert.x's connect callback and leave the pool slot waiting forever.
                LOG.warnf("Redis sign-in without a token: %s", e.getMessage());
                return UNUSABLE;
            }
        }
    }

    /**
     * Closes every pooled Redis connection and forgets the IAM token, for a SnapStart snapshot: a connection
     * opened before the snapshot is dead in every restored copy, and Vert.x would hand it to the first command
     * unless the wall clock had moved past its recycle time — the command would then wait its whole timeout.
     * The Vert.x client has no call that empties its pool, so the client itself is replaced by a new one built
     * the same way (the data sources keep working through it) and the old one is closed. Nothing happens if no
     * data source was asked for yet (no client, no connection).
     */
    public synchronized void dropConnections() {
        if (client != null) {
            client.renew();
        }
    }

    /**
     * The client the data sources use, which can be swapped for a new one: Quarkus' data sources hold the
     * {@link Redis} they were built on for good. Commands sent while a swap happens go to either client.
     */
    private static final class RenewableClient implements Redis {

        private final Supplier<Redis> factory;
        private final Optional<IamAuthTokens> tokens;
        private volatile Redis current;

        RenewableClient(Supplier<Redis> factory, Optional<IamAuthTokens> tokens) {
            this.factory = factory;
            this.tokens = tokens;
            this.current = factory.get();
        }

        void renew() {
            tokens.ifPresent(IamAuthTokens::forget);
            Redis old = current;
            current = factory.get();
            old.close();
        }

        @Override
        public Future<RedisConnection> connect() {
            return current.connect();
        }

        @Override
        public void close() {
            current.close();
        }

        @Override
        public Future<Response> send(Request command) {
            return current.send(command);
        }

        @Override
        public Future<List<Response>> batch(List<Request> commands) {
            return current.batch(commands);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
