package io.paddock.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.embedded.PaddockStoresTestResource;
import io.paddock.shared.redis.RedisDataSources;
import io.quarkus.arc.Arc;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * Every Redis caller gets the data sources of the shared library's client (the one that can sign in to
 * ElastiCache with IAM tokens per connection), not Quarkus' own, and that client works.
 */
@QuarkusTest
@QuarkusTestResource(PaddockStoresTestResource.class)
class SharedRedisClientTest {

    @Inject
    RedisDataSource redis;

    @Test
    void theInjectedDataSourcesComeFromTheSharedLibrarysClient() {
        BeanManager beans = Arc.container().beanManager();
        for (Class<?> type : new Class<?>[] {ReactiveRedisDataSource.class, RedisDataSource.class}) {
            Bean<?> chosen = beans.resolve(beans.getBeans(type));
            assertEquals(RedisDataSources.class, chosen.getBeanClass(), type.getSimpleName());
        }
        redis.value(String.class).set("shared-client:probe", "ok");
        assertEquals("ok", redis.value(String.class).get("shared-client:probe"));
    }
}
