package io.paddock.shared.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Parser rules for the one ObjectMapper Quarkus REST reads every request body with, so they hold on every
 * route of every function:
 * <ul>
 * <li>an object that names a key twice is refused ({@code JsonParseException}, a 400 malformed-json problem in
 * {@link ProblemMappers}). Jackson would otherwise keep the last value, so two readers of one body (a proxy
 * or WAF rule, then the route) could each see a different request;</li>
 * <li>a text field takes a JSON string and nothing else: Jackson would otherwise read {@code 42} or
 * {@code true} as the text "42"/"true", so {@code {"body":42}} published a post and a client's type error
 * went unnoticed until another client read it back. Refused as a 400 naming the field ("has the wrong type").
 * Fields typed as numbers, booleans or {@code JsonNode} are not touched.</li>
 * </ul>
 *
 * <p>Cost: the parser keeps the keys of each open object in a set; bodies are at most 256 KiB.
 */
@Singleton
public class StrictJsonReading implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        for (CoercionInputShape scalar : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
        }
    }
}
