package io.paddock.shared.idempotency;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route revokes its own caller's tokens (account deletion): the token that sent it is refused from then on,
 * so a retry with the same {@code Idempotency-Key} — the client never saw the first answer — would meet a 401
 * before the key is looked at. On such a route {@link IdempotencyFilter} replays the kept answer to a token that
 * is genuine but revoked, before authorization refuses it: the same caller (the token's {@code sub}), the same
 * key and the same request get the first answer again. Nothing else is let through: without a kept answer the
 * revoked token is refused as usual, and a replay never runs the route.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ReplayedAfterRevocation {
}
