package io.paddock.shared.ratelimit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one place a route declares its rate-limit category. {@link RateLimitFilter} enforces it before
 * the body is read, so even a 400 is counted and carries the rate-limit headers.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface RateLimited {

    Category value();

    /**
     * False for routes that report standing without spending it (GET /v1/rate-limits, "not itself counted"
     * in the contract): nothing is counted against the category, and a spent window does not refuse them;
     * only a per-container burst limit of their own applies, so the route cannot be used for a flood either.
     */
    boolean counted() default true;
}
