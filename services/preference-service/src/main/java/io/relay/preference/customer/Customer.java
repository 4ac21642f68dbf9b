package io.relay.preference.customer;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A customer as stored and as {@code GET /v1/customers/{id}} shows it. */
public record Customer(
        String customerId,
        String email,
        String phone,
        List<PushToken> pushTokens,
        String timeZone,
        String locale,
        Map<String, String> attributes,
        Instant createdAt,
        Instant updatedAt) {}
