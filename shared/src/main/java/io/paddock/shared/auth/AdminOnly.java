package io.paddock.shared.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route needs a valid bearer access token with the admin role (the contract's "Admin"): 401 without
 * a valid token, 403 with a token of another role — both from {@link AuthorizationFilter}, before the body
 * is read. Implies {@link SignedIn}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface AdminOnly {
}
