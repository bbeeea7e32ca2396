package io.paddock.shared.ratelimit;

import java.util.Locale;

/** The contract's rate-limit categories; every limited route belongs to exactly one. */
public enum Category {
    AUTH, READ, WRITE, MUTATION, TELEMETRY, SEARCH, UPLOAD, ADMIN;

    /** The name used in policies, headers ({@code RateLimit-Policy: "read";…}) and problems. */
    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether requests of this category count against the client address whatever {@code Authorization}
     * says (contract v1.1). For {@code auth} a token must change nothing: registration hands out a new
     * token each time, so keying by user would let one address chain registrations and password guesses
     * past its limit, and user-keyed 429s never reach the edge block list.
     */
    public boolean keyedByAddress() {
        return this == AUTH;
    }
}
