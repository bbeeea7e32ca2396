package io.paddock.auth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.lang.reflect.Type;
import java.util.function.BiFunction;

/**
 * How the auth routes read request bodies: strictly. A field the route does not know or anything after
 * the object is a 400 (the application-wide mapper ignores unknown fields; a key given twice, and a number
 * or boolean where text belongs — a password must never be guessed from a number — are refused on every
 * route by the shared {@code io.paddock.shared.http.StrictJsonReading});
 * it is applied per route with {@code @CustomDeserialization(StrictJson.class)} so other functions
 * sharing an app (the local stack) keep their own rules.
 */
public class StrictJson implements BiFunction<ObjectMapper, Type, ObjectReader> {

    @Override
    public ObjectReader apply(ObjectMapper mapper, Type type) {
        return mapper.readerFor(mapper.constructType(type))
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }
}
