package io.relay.contracts.payload;

import java.time.Instant;

/** preference-service erased a customer: drop their schedules, caches and message content. */
public record CustomerErased(String customerId, Instant at) {}
