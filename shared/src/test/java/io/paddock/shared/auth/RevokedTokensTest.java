package io.paddock.shared.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.ids.Ids;
import io.paddock.shared.observability.ServiceMetrics;
import io.paddock.shared.resilience.StoreBreakers;
import io.paddock.shared.testing.ThrowAwayRedis;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * The denylist on a real Redis running in cluster mode — one node serving every slot, as ElastiCache
 * Serverless is cluster mode — so a check whose keys were in different slots would fail here with
 * CROSSSLOT (and, failing open, would let a revoked token through) exactly as it would in AWS.
 */
class RevokedTokensTest {

    private static final UUID USER = UUID.fromString("01900000-0000-7000-8000-000000000002");
    private static final Duration TTL = Duration.ofMinutes(15);
    private static final Duration SKEW = Duration.ofSeconds(60);

    private static Path dir;
    private static RedisServer server;
    private static Vertx vertx;
    private static ReactiveRedisDataSource redis;
    private static RevokedTokens revoked;
    private static AccessTokens tokens;

    @BeforeAll
    static void clusterModeRedis() throws Exception {
        int port = freePort();
        dir = Files.createTempDirectory("revoked-tokens-redis");
        server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").setting("cluster-enabled yes")
                .setting("cluster-config-file " + dir.resolve("nodes.conf")).build();
        server.start();
        vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port));
        redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
        List<String> addSlots = new ArrayList<>(List.of("ADDSLOTS"));
        for (int slot = 0; slot < 16384; slot++) {
            addSlots.add(Integer.toString(slot));
        }
        redis.execute("CLUSTER", addSlots.toArray(String[]::new)).await().indefinitely();
        awaitClusterStateOk();
        revoked = new RevokedTokens(redis, breakers());
        tokens = new AccessTokens(SigningKeys.parse(Optional.of(SigningKeys.generateJwks()), Optional.empty()), revoked,
                "https://api.paddock.test", "paddock-api", TTL, SKEW, Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.closeAndAwait();
        server.stop();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aFamilyTokenIsCheckedForItsJtiAndItsFamilyInOneRoundTrip() {
        String familyId = Ids.uuidV7().toString();
        String tokenId = Ids.uuidV7().toString();
        Map<String, Long> before = commandCalls();
        assertFalse(revoked.isRevoked(tokenId, familyId));
        assertEquals(Map.of("exists", 1L), callsSince(before), "one EXISTS for both keys, nothing else");

        revoked.revokeFamily(familyId, Instant.now().plus(TTL));
        before = commandCalls();
        assertTrue(revoked.isRevoked(tokenId, familyId), "the family's key answers");
        assertEquals(Map.of("exists", 1L), callsSince(before));

        String ownFamily = Ids.uuidV7().toString();
        revoked.revoke(tokenId, ownFamily, Instant.now().plus(TTL));
        assertTrue(revoked.isRevoked(tokenId, ownFamily), "the token's own key answers");
        assertFalse(revoked.isRevoked(Ids.uuidV7().toString(), ownFamily), "a sibling is not refused for it");
    }

    @Test
    void aTokensOwnKeyAndItsFamilysKeyLieInOneClusterSlot() {
        String familyId = Ids.uuidV7().toString();
        long tokenSlot = keySlot(RevokedTokens.tokenKey(Ids.uuidV7().toString(), familyId));
        assertEquals(tokenSlot, keySlot(RevokedTokens.familyKey(familyId)));
        assertEquals(tokenSlot, keySlot(RevokedTokens.tokenKey(Ids.uuidV7().toString(), familyId)));
    }

    @Test
    void revokingAFamilyRefusesEveryAccessTokenMintedFromItAndNoOther() {
        String familyId = Ids.uuidV7().toString();
        List<String> family = List.of(tokens.issue(USER, "user", familyId).token(),
                tokens.issue(USER, "user", familyId).token(), tokens.issue(USER, "user", familyId).token());
        String otherFamily = tokens.issue(USER, "user", Ids.uuidV7().toString()).token();
        String noFamily = tokens.issue(USER, "user").token();
        family.forEach(t -> assertEquals(familyId, tokens.verify(t).familyId()));

        tokens.revokeFamily(familyId);

        for (String token : family) {
            assertThrows(InvalidTokenException.class, () -> tokens.verify(token));
        }
        assertEquals(USER, tokens.verify(otherFamily).userId());
        assertNull(tokens.verify(noFamily).familyId());
        assertEquals(USER, tokens.verify(noFamily).userId());
    }

    @Test
    void aTokenWithoutAFamilyIsRevokedByItsJtiAlone() {
        Principal principal = tokens.verify(tokens.issue(USER, "user").token());
        String token = tokens.issue(USER, "user").token();
        Principal other = tokens.verify(token);
        tokens.revoke(principal);
        assertTrue(revoked.isRevoked(principal.tokenId(), null));
        assertEquals(other.tokenId(), tokens.verify(token).tokenId());
    }

    @Test
    void aFamilyStaysListedUntilItsNewestTokenCouldNoLongerBeAccepted() {
        String familyId = Ids.uuidV7().toString();
        tokens.revokeFamily(familyId);
        long seconds = redis.execute("TTL", RevokedTokens.familyKey(familyId)).await().indefinitely().toLong();
        long lifetimeAndSkew = TTL.plus(SKEW).toSeconds();
        assertTrue(seconds > lifetimeAndSkew && seconds <= lifetimeAndSkew + 60, "TTL " + seconds);
    }

    @Test
    void whenRedisCannotAnswerTheTokenIsAcceptedAndARevocationFailsLoudly() throws Exception {
        Redis dead = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + freePort()));
        RevokedTokens unreachable = new RevokedTokens(new ReactiveRedisDataSourceImpl(vertx, dead, RedisAPI.api(dead)),
                breakers());
        String familyId = Ids.uuidV7().toString();
        assertFalse(unreachable.isRevoked(Ids.uuidV7().toString(), familyId));
        assertThrows(RuntimeException.class, () -> unreachable.revokeFamily(familyId, Instant.now().plus(TTL)));
    }

    private static StoreBreakers breakers() {
        return new StoreBreakers(Duration.ofSeconds(2), "test", new ServiceMetrics("Paddock"));
    }

    private static long keySlot(String key) {
        return redis.execute("CLUSTER", "KEYSLOT", key).await().indefinitely().toLong();
    }

    /** Commands Redis served since {@code before}, by name; INFO (this test reading the stats) left out. */
    private static Map<String, Long> callsSince(Map<String, Long> before) {
        Map<String, Long> since = new HashMap<>();
        commandCalls().forEach((command, calls) -> {
            long added = calls - before.getOrDefault(command, 0L);
            if (added > 0 && !command.equals("info")) {
                since.put(command, added);
            }
        });
        return since;
    }

    private static Map<String, Long> commandCalls() {
        return ThrowAwayRedis.commandCalls(redis);
    }

    /** A fresh one-node cluster reports its slots served on its next cluster tick (every 100 ms). */
    private static void awaitClusterStateOk() {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() ->
                redis.execute("CLUSTER", "INFO").await().indefinitely().toString().contains("cluster_state:ok"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
