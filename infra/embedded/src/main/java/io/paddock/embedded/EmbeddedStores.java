package io.paddock.embedded;

import io.paddock.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import redis.embedded.RedisServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * PostgreSQL, Redis and DynamoDB Local running inside this JVM's reach, all bound to 127.0.0.1, for the
 * tests and for {@code ./paddock local}. A store whose URL the caller already has (DATABASE_URL,
 * REDIS_URL, DYNAMODB_ENDPOINT) is used as it is instead of started. Either way the schema is migrated
 * and the DynamoDB tables of template.yaml exist when {@link #start} returns.
 */
public final class EmbeddedStores implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";

    /**
     * @param dataDirectory where PostgreSQL and DynamoDB Local keep data between runs; empty = throw-away
     * @param external      store URLs given by the user: DATABASE_URL, REDIS_URL, DYNAMODB_ENDPOINT
     */
    public record Options(Optional<Path> dataDirectory, Map<String, String> external) {
        public static Options ephemeral() {
            return new Options(Optional.empty(), Map.of());
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private EmbeddedPostgres.Builder postgresBuilder;
    private RedisServer redis;
    private DynamoDBProxyServer dynamo;
    private List<String> dynamoArgs;
    private String databaseUrl;
    private String redisUrl;
    private String dynamoDbEndpoint;
    private int redisPort;
    private Map<String, String> tableNames = Map.of();

    private EmbeddedStores() {
    }

    public static EmbeddedStores start(Options options) {
        EmbeddedStores stores = new EmbeddedStores();
        try {
            stores.startPostgres(options);
            stores.startRedis(options);
            stores.startDynamo(options);
            return stores;
        } catch (RuntimeException | Error e) {
            stores.close();
            throw e;
        }
    }

    private void startPostgres(Options options) {
        String given = options.external().get("DATABASE_URL");
        if (given != null && !given.isBlank()) {
            databaseUrl = given;
        } else {
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setPort(freePort())
                        .setServerConfig("listen_addresses", LOOPBACK)
                        .setServerConfig("max_connections", "100")
                        .setServerConfig("fsync", "off")
                        .setPGStartupWait(Duration.ofSeconds(30))
                        .setRegisterShutdownHook(true);
                Path dir;
                if (options.dataDirectory().isPresent()) {
                    dir = options.dataDirectory().get().resolve("postgres");
                    Files.createDirectories(dir);
                } else {
                    // Our own throw-away directory (not zonky's), so stopPostgres/startPostgres keep the data.
                    dir = Files.createTempDirectory("paddock-postgres");
                    Path throwAway = dir;
                    started.add(() -> deleteRecursively(throwAway));
                    // Test JVMs keep their stores until exit without calling close(): stop and delete then too.
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            EmbeddedPostgres running = postgres;
                            if (running != null) {
                                running.close();
                            }
                            deleteRecursively(throwAway);
                        } catch (IOException | RuntimeException e) {
                            System.err.println("embedded PostgreSQL data not removed: " + throwAway + " (" + e + ")");
                        }
                    }, "paddock-postgres-cleanup"));
                }
                builder.setDataDirectory(dir).setCleanDataDirectory(false);
                postgresBuilder = builder;
                postgres = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start: " + e.getMessage(), e);
            }
            started.add(() -> {
                if (postgres != null) {
                    postgres.close();
                    postgres = null;
                }
            });
            databaseUrl = "postgres://postgres@" + LOOPBACK + ":" + postgres.getPort() + "/postgres";
        }
        Migrations.migrate(databaseUrl);
    }

    private void startRedis(Options options) {
        String given = options.external().get("REDIS_URL");
        if (given != null && !given.isBlank()) {
            redisUrl = given;
            return;
        }
        redisPort = freePort();
        try {
            redis = RedisServer.newRedisServer()
                    .port(redisPort)
                    .bind(LOOPBACK)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("protected-mode yes")
                    .build();
            redis.start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Redis did not start: " + e.getMessage(), e);
        }
        started.add(redis::stop);
        redisUrl = "redis://" + LOOPBACK + ":" + redisPort;
    }

    private void startDynamo(Options options) {
        String given = options.external().get("DYNAMODB_ENDPOINT");
        if (given != null && !given.isBlank()) {
            dynamoDbEndpoint = given;
        } else {
            int port = freePort();
            List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-disableTelemetry"));
            if (options.dataDirectory().isPresent()) {
                Path dir = options.dataDirectory().get().resolve("dynamodb");
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                args.addAll(List.of("-sharedDb", "-dbPath", dir.toString()));
            } else {
                args.addAll(List.of("-inMemory", "-sharedDb"));
            }
            dynamoArgs = List.copyOf(args);
            startDynamoServer();
            started.add(() -> {
                if (dynamo != null) {
                    dynamo.stop();
                    dynamo = null;
                }
            });
            dynamoDbEndpoint = "http://" + LOOPBACK + ":" + port;
        }
        try (DynamoDbClient client = dynamoDbClient()) {
            tableNames = TemplateTables.fromTemplate().createMissing(client);
        }
    }

    private void startDynamoServer() {
        try {
            dynamo = ServerRunner.createServerFromCommandLineArgs(dynamoArgs.toArray(String[]::new));
            bindToLoopback(dynamo);
            dynamo.start();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Stops the embedded DynamoDB Local, keeping its port. Without a data directory its tables live in
     * memory: {@link #startDynamo()} creates them again, empty.
     */
    public synchronized void stopDynamo() {
        if (dynamoArgs == null) {
            throw new IllegalStateException("DynamoDB is external (DYNAMODB_ENDPOINT); it cannot be stopped from here");
        }
        try {
            dynamo.stop();
            dynamo = null;
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop: " + e.getMessage(), e);
        }
    }

    public synchronized void startDynamo() {
        if (dynamoArgs == null) {
            throw new IllegalStateException("DynamoDB is external (DYNAMODB_ENDPOINT); it cannot be started from here");
        }
        startDynamoServer();
        try (DynamoDbClient client = dynamoDbClient()) {
            TemplateTables.fromTemplate().createMissing(client);
        }
    }

    /** DynamoDB Local's Jetty listens on every interface; it has no option for the host, so set it here. */
    private static void bindToLoopback(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector serverConnector) {
                serverConnector.setHost(LOOPBACK);
            }
        }
    }

    /** A client for the (embedded or given) DynamoDB endpoint, with local credentials. */
    public DynamoDbClient dynamoDbClient() {
        return DynamoDbClient.builder()
                .endpointOverride(URI.create(dynamoDbEndpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5))
                        .build())
                .build();
    }

    /** Stops the embedded PostgreSQL (a fast shutdown: sessions end), keeping its port and data. */
    public synchronized void stopPostgres() {
        if (postgresBuilder == null) {
            throw new IllegalStateException("PostgreSQL is external (DATABASE_URL); it cannot be stopped from here");
        }
        try {
            postgres.close();
            postgres = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void startPostgres() {
        if (postgresBuilder == null) {
            throw new IllegalStateException("PostgreSQL is external (DATABASE_URL); it cannot be started from here");
        }
        try {
            postgres = postgresBuilder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not restart: " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Stops the embedded Redis, keeping its port, so a test can see the API degrade. */
    public synchronized void stopRedis() {
        requireEmbeddedRedis();
        try {
            redis.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void startRedis() {
        requireEmbeddedRedis();
        try {
            redis.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireEmbeddedRedis() {
        if (redis == null) {
            throw new IllegalStateException("Redis is external (REDIS_URL); it cannot be stopped from here");
        }
    }

    public String databaseUrl() {
        return databaseUrl;
    }

    public String redisUrl() {
        return redisUrl;
    }

    public String dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    /** The environment a Paddock function needs to reach these stores (the names README documents). */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", databaseUrl);
        env.put("REDIS_URL", redisUrl);
        env.put("DYNAMODB_ENDPOINT", dynamoDbEndpoint);
        env.putAll(tableNames);
        return env;
    }

    /** The same as configuration keys, for Quarkus test resources and the local launcher. */
    public Map<String, String> configuration() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("paddock.database.url", databaseUrl);
        config.put("paddock.redis.url", redisUrl);
        config.put("quarkus.redis.hosts", redisUrl);
        config.put("paddock.dynamodb.endpoint", dynamoDbEndpoint);
        // Under the variables' own names: each function's properties read the tables it uses from them
        // (${DYNAMODB_..._TABLE:default}), and a paddock.* key a function does not map would fail its validation.
        config.putAll(tableNames);
        // The one table every function maps (PaddockConfig), also by key for configurations built outside Quarkus.
        config.put("paddock.dynamodb.idempotency-table", tableNames.get("DYNAMODB_IDEMPOTENCY_TABLE"));
        return config;
    }

    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping an embedded store failed: " + e);
            }
        }
        started.clear();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
