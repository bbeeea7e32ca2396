package io.paddock.shared.auth;

/**
 * A genuine token (our signature, issuer, audience, not expired) that was revoked: refused like any invalid
 * token, but it still proves whose it was. Only the replay of an answer the route kept for that same caller
 * reads {@link #principal()} ({@code IdempotencyFilter}, for routes that revoke their own caller's tokens).
 */
public class RevokedTokenException extends InvalidTokenException {

    private final transient Principal principal;

    public RevokedTokenException(Principal principal) {
        super("revoked");
        this.principal = principal;
    }

    public Principal principal() {
        return principal;
    }
}
