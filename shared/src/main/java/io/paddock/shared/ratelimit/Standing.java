package io.paddock.shared.ratelimit;

/**
 * Where a caller stands in one category after a check: what the contract's headers say.
 * {@code resetSeconds} is how long until the next request would be admitted again when none is left
 * (and until the oldest counted request leaves the window otherwise); at least 1.
 */
public record Standing(Category category, int limit, int remaining, long resetSeconds, long windowSeconds,
        boolean allowed) {

    public String policy() {
        return category.policyName();
    }
}
