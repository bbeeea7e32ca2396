package io.paddock.shared.audit;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the audit trail records: a fixed set, held to the table's CHECK constraint (migration V15) by a test. The
 * code is what the table stores and what {@code GET /v1/admin/audit} answers and filters on.
 */
public enum AuditAction {

    /** A session opened with a password: a login, or a registration (which signs the new account in). */
    SIGNED_IN("auth.signed_in"),
    /** The failed sign-in that started a back-off for an account from an address: once per run of failures. */
    SIGN_IN_BACKOFF_STARTED("auth.sign_in_backoff_started"),
    /** A spent refresh token presented again: its family and every access token it issued were revoked. */
    REFRESH_TOKEN_REUSED("auth.refresh_token_reused"),
    /** An account deleted (by its owner or an admin): AccountDeletion, in the erasure's transaction. */
    ACCOUNT_DELETED("account.deleted"),
    /** An account's role changed; written by the database itself (trigger users_role_change_audited). */
    ROLE_CHANGED("account.role_changed"),
    /** An admin created an API key (auth's ApiKeys, in the insert's transaction); target: the key id. */
    API_KEY_CREATED("api_key.created"),
    /** An admin revoked an API key (auth's ApiKeys, in the revocation's transaction, once per key); target: the key id. */
    API_KEY_REVOKED("api_key.revoked"),
    RATE_LIMIT_OVERRIDE_SET("rate_limit.override_set"),
    RATE_LIMIT_OVERRIDE_REMOVED("rate_limit.override_removed"),
    RATE_LIMIT_UNBLOCKED("rate_limit.unblocked");

    private final String code;

    AuditAction(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<AuditAction> ofCode(String code) {
        return Arrays.stream(values()).filter(a -> a.code.equals(code)).findFirst();
    }

    public static List<String> codes() {
        return Arrays.stream(values()).map(AuditAction::code).toList();
    }
}
