package io.paddock.bench.lambda.stores;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * The one route of the store-calling baseline: one Redis GET of an absent key and one PostgreSQL query, then a
 * JSON object through Jackson — the store reads of the requests the harness sends the functions (auth, feed and
 * telemetry read PostgreSQL, all four Redis through the rate limiter, none DynamoDB), without Paddock. The
 * clients are built once, with the resource (Quarkus REST resources are singletons), from the variables Paddock's
 * functions read.
 */
@Path("/hello")
public class StoresResource {

    private final RedisDataSource redis;
    private final AgroalDataSource postgres;

    public StoresResource(RedisDataSource redis) throws SQLException {
        this.redis = redis;
        URI database = URI.create(System.getenv().getOrDefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"));
        String[] user = (database.getUserInfo() == null ? "postgres" : database.getUserInfo()).split(":", 2);
        this.postgres = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool.initialSize(0).maxSize(2).acquisitionTimeout(Duration.ofSeconds(5))
                        .connectionFactoryConfiguration(factory -> factory
                                .jdbcUrl("jdbc:postgresql://" + database.getHost() + ":" + database.getPort() + database.getPath())
                                .principal(new NamePrincipal(user[0]))
                                .credential(new SimplePassword(user.length > 1 ? user[1] : "")))));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> hello() throws SQLException {
        String cached = redis.value(String.class).get("cold-start-baseline:absent");
        int one;
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT 1")) {
            r.next();
            one = r.getInt(1);
        }
        return Map.of("hello", "stores", "redis", cached == null ? "absent" : "present", "postgres", one);
    }

    @PreDestroy
    void close() {
        postgres.close();
    }
}
