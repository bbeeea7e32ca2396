package io.paddock.shared.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Parser rules for the one ObjectMapper Quarkus REST reads every request body with, so they hold on every
 * route of every function: an object that names a key twice is refused ({@code JsonParseException}, a 400
 * malformed-json problem in {@link ProblemMappers}). Jackson would otherwise keep the last value, so two
 * readers of one body (a proxy or WAF rule, then the route) could each see a different request.
 *
 * <p>Cost: the parser keeps the keys of each open object in a set; bodies are at most 256 KiB.
 */
@Singleton
public class StrictJsonReading implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    }
}
