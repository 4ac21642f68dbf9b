package io.relay.contracts.payload;

import java.time.Instant;

/** Send this SMS now, from the tenant's sender if {@code from} is set. Nothing at or after {@code expiresAt}. */
public record SmsDispatch(
        String messageId,
        String customerId,
        String category,
        String to,
        String from,
        String text,
        Appointment appointment,
        Instant expiresAt)
        implements Dispatch {}
