package io.paddock.shared.redis;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One Lua script, sent by its SHA-1 ({@code EVALSHA}): a call carries the keys and arguments, not the
 * script text, which matters for the feed's fan-out (thousands of calls for one post) and for the
 * limiter (one call per request).
 *
 * <p>How it loads: the first call in a Redis that does not know the script yet (a new server, a
 * restart, a failover to a replica that never saw it, a {@code SCRIPT FLUSH}) answers {@code NOSCRIPT};
 * that call is sent once more as {@code EVAL} with the text, which runs it and leaves it in the server's
 * script cache, so every later call is {@code EVALSHA} again. Why {@code EVAL} and not {@code SCRIPT
 * LOAD}: {@code EVAL} names its keys, so a cluster client (ElastiCache Serverless) routes it to the shard
 * that will run the script, where {@code SCRIPT LOAD} would reach an arbitrary node.
 *
 * <p>Hazards: callers that start together against a Redis that forgot the script each pay one
 * {@code EVAL} (nothing is shared between them; the text is a few hundred bytes, and the server runs
 * each script atomically whichever way it arrived). A script that does not run for another reason
 * fails the call as any other command would; nothing else is retried. The SHA-1 only names the text to
 * Redis, it protects nothing.
 */
public final class RedisScript {

    private final String text;
    private final String sha1;

    public RedisScript(String text) {
        this.text = text;
        this.sha1 = sha1(text);
    }

    public String text() {
        return text;
    }

    /** The name Redis knows the script by once it was loaded. */
    public String sha1() {
        return sha1;
    }

    /**
     * Runs the script; completes with its answer, or fails as the command failed (never with NOSCRIPT).
     * A time limit the caller puts on the answer covers the reload too: one budget per call, not per command.
     */
    public Uni<Response> run(ReactiveRedisDataSource redis, List<String> keys, List<String> args) {
        return redis.execute("EVALSHA", command(sha1, keys, args))
                .onFailure(RedisScript::isNoScript)
                .recoverWithUni(noScript -> redis.execute("EVAL", command(text, keys, args)));
    }

    /**
     * {@link #run(ReactiveRedisDataSource, List, List)} for callers on a worker thread; each command waits
     * as long as the blocking {@code redis} waits for any command.
     */
    public Response run(RedisDataSource redis, List<String> keys, List<String> args) {
        try {
            return redis.execute("EVALSHA", command(sha1, keys, args));
        } catch (RuntimeException e) {
            if (!isNoScript(e)) {
                throw e;
            }
            return redis.execute("EVAL", command(text, keys, args));
        }
    }

    /**
     * Redis' {@code NOSCRIPT} error, however the client wrapped it: the reactive client fails with the
     * error itself, the blocking one with a {@code CompletionException} around it.
     */
    static boolean isNoScript(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private static String[] command(String script, List<String> keys, List<String> args) {
        List<String> command = new ArrayList<>(2 + keys.size() + args.size());
        command.add(script);
        command.add(Integer.toString(keys.size()));
        command.addAll(keys);
        command.addAll(args);
        return command.toArray(String[]::new);
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
