package io.paddock.shared.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route needs a valid bearer access token (the contract's "Bearer"). Declared beside
 * {@code @RateLimited}; {@link AuthorizationFilter} judges the caller after the limit step and before the
 * body is read, so an anonymous request is a 401 whatever its body or path values look like. The
 * resource then reads the principal with {@link Caller#principal()}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface SignedIn {
}
