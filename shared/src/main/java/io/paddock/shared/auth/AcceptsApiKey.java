package io.paddock.shared.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A mutation an API key with this scope may make ({@code POST /v1/events}: {@link ApiKeyScope#TELEMETRY_WRITE}).
 * Without it a key's POST, PUT, PATCH or DELETE is a 403 from {@link AuthorizationFilter}; safe methods need
 * {@link ApiKeyScope#READ} and no declaration. Meaningless beside {@link SignedIn} or {@link AdminOnly}: those
 * routes need a user.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface AcceptsApiKey {
    ApiKeyScope value();
}
