package io.paddock.shared.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.iam.IamAuthTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The shared Redis client in IAM mode against a real Redis 6 with ACL users. A token is deterministic for
 * fixed credentials and clock, so the ACL user's password IS the token the client will sign: the client
 * signing in as that user ({@code ACL WHOAMI}) proves it sent exactly that token as {@code AUTH user token}.
 * Embedded Redis has no TLS, so the client is built through the package-private factory, below the
 * rediss:// check the CDI producer makes.
 */
class ElastiCacheIamSignInTest {

    private static final String USER = "paddock-app";
    private static final AwsBasicCredentials EXAMPLE = AwsBasicCredentials.create("AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static final Instant SIGNED_AT = Instant.parse("2026-11-24T12:34:56Z");

    private static RedisServer server;
    private static Vertx vertx;
    private static Redis admin;
    private static String url;
    private Redis client;

    @BeforeAll
    static void redisWithAclUsers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        url = "redis://127.0.0.1:" + port;
        vertx = Vertx.vertx();
        admin = Redis.createClient(vertx, url);
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        server.stop();
    }

    private static IamAuthTokens tokens(Clock clock) {
        return IamAuthTokens.elastiCache("paddock-cache", USER, true, "us-east-1",
                StaticCredentialsProvider.create(EXAMPLE), clock);
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    /** The ACL user whose one password is the token signed at {@code at}. */
    private static void userWithPasswordSignedAt(Instant signedAt) throws Exception {
        String token = tokens(at(signedAt)).current();
        await(admin.send(Request.cmd(Command.ACL).arg("SETUSER").arg(USER).arg("reset").arg("on")
                .arg(">" + token).arg("~*").arg("+@all")));
    }

    private Redis iamClient(Clock clock) {
        client = RedisDataSources.client(vertx, new RedisOptions().setConnectionString(url),
                Optional.of(new RedisDataSources.IamSignIn(USER, tokens(clock))));
        return client;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static String whoAmI(Redis redis) throws Exception {
        Response response = await(redis.send(Request.cmd(Command.ACL).arg("WHOAMI")));
        return response.toString();
    }

    @Test
    void theClientSignsInAsTheIamUserWithTheToken() throws Exception {
        userWithPasswordSignedAt(SIGNED_AT);
        Redis redis = iamClient(at(SIGNED_AT));
        assertEquals(USER, whoAmI(redis));
        await(redis.send(Request.cmd(Command.SET).arg("iam:probe").arg("ok")));
        assertEquals("ok", await(redis.send(Request.cmd(Command.GET).arg("iam:probe"))).toString());
    }

    @Test
    void aTokenSignedAtAnotherTimeIsRefused() throws Exception {
        userWithPasswordSignedAt(SIGNED_AT);
        Redis redis = iamClient(at(SIGNED_AT.plusSeconds(3600)));
        ExecutionException refused = assertThrows(ExecutionException.class, () -> whoAmI(redis));
        assertTrue(String.valueOf(refused.getCause().getMessage()).contains("WRONGPASS"), String.valueOf(refused.getCause()));
    }

    @Test
    void aReconnectAfterTheRefreshWindowSignsInWithANewToken() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(SIGNED_AT);
        Clock clock = new Clock() {
            public Instant instant() {
                return now.get();
            }

            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        userWithPasswordSignedAt(SIGNED_AT);
        Redis redis = iamClient(clock);
        assertEquals(USER, whoAmI(redis));

        // Eleven minutes on, ElastiCache closes the connection (as it does at 12 hours, or on a failover) and
        // only the new token opens a new one.
        Instant later = SIGNED_AT.plus(IamAuthTokens.REFRESH_AFTER).plusSeconds(60);
        now.set(later);
        userWithPasswordSignedAt(later);
        Response killed = await(admin.send(Request.cmd(Command.CLIENT).arg("KILL").arg("USER").arg(USER)));
        assertNotEquals(0, killed.toInteger(), "the pooled connection was closed");

        String who = null;
        for (int attempt = 0; attempt < 20 && who == null; attempt++) {
            try {
                who = whoAmI(redis);
            } catch (ExecutionException closedUnderneath) {
                // A command may still meet the killed connection before the pool sees it closed; a refused
                // sign-in, though, means the old token was sent.
                assertTrue(!String.valueOf(closedUnderneath.getCause().getMessage()).contains("WRONGPASS"),
                        String.valueOf(closedUnderneath.getCause()));
                Thread.sleep(100);
            }
        }
        assertEquals(USER, who);
    }
}
