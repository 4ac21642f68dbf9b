package io.relay.web;

import java.time.Instant;

/** A tenant's quota is spent until {@code resetsAt}: 429 problem+json with Retry-After. */
public class QuotaExceededException extends RuntimeException {

    private final Instant resetsAt;

    public QuotaExceededException(String detail, Instant resetsAt) {
        super(detail);
        this.resetsAt = resetsAt;
    }

    public Instant resetsAt() {
        return resetsAt;
    }
}
