package io.paddock.shared.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route needs a valid bearer token (as {@link SignedIn}) from a sign-in — login or registration, not a
 * refresh — within {@code paddock.auth.recent-sign-in} (5 minutes by default): its {@code auth_time} claim.
 * For routes that cannot be undone (account deletion), so that a token lifted from a device an hour ago is
 * not enough. Judged by {@link AuthorizationFilter} before the body and before {@code Idempotency-Key}, so the
 * refusal is never kept for replay: a client that signs in again and retries with the same key gets the work
 * done. An older token is a 401 with {@code WWW-Authenticate: Bearer error="insufficient_user_authentication"}
 * and {@code max_age} (RFC 9470 §3).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface RecentSignIn {
}
