package io.paddock.shared.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;

/**
 * Every {@link Instant} an answer holds is written as the contract's timestamp ({@link Timestamps#format}:
 * RFC 3339, UTC, milliseconds), by the one ObjectMapper Quarkus REST writes every answer with. Jackson's
 * own would write what the value holds — PostgreSQL's microseconds, the JVM clock's nanoseconds — so a
 * document that carries an {@code Instant} instead of a formatted string would break the contract's format.
 *
 * <p>Runs after Quarkus' own customizers (lowest priority), so this serializer is the one registered last
 * and wins over the Java time module's.
 */
@Singleton
public class TimestampsInAnswers implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("paddock-timestamps").addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant value, JsonGenerator json, SerializerProvider provider) throws IOException {
                json.writeString(Timestamps.format(value));
            }
        }));
    }

    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }
}
