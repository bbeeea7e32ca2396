package io.paddock.shared.ratelimit;

import java.util.Locale;

/** The contract's rate-limit categories; every limited route belongs to exactly one. */
public enum Category {
    AUTH, READ, WRITE, MUTATION, TELEMETRY, SEARCH, UPLOAD, ADMIN;

    /** The name used in policies, headers ({@code RateLimit-Policy: "read";…}) and problems. */
    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
