package io.paddock.shared.ratelimit;

import jakarta.enterprise.context.RequestScoped;

/** What the limit step learned about this request, for its response headers and for routes that report it. */
@RequestScoped
public class CurrentStanding {

    private RateLimiter.Subject subject;
    private Standing standing;

    public RateLimiter.Subject subject() {
        return subject;
    }

    public Standing standing() {
        return standing;
    }

    void set(RateLimiter.Subject subject, Standing standing) {
        this.subject = subject;
        this.standing = standing;
    }
}
