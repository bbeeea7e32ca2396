package io.paddock.shared.idempotency;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route's answers are never kept for {@code Idempotency-Key} replays: {@link IdempotencyFilter}
 * ignores the header there. For routes that answer with credentials (the auth routes' access and
 * refresh tokens): keeping those for 24 h in a second store would be a second place to steal them
 * from, and a replayed refresh would undo the rotation. Such a route must be safe to retry without a
 * key (a retried login or refresh simply opens or rotates a session). On a class, it covers every
 * route of the class.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface AnswerNeverKept {
}
