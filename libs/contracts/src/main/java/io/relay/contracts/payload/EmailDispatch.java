package io.relay.contracts.payload;

/**
 * Send this email now. email-service sends exactly what it is given; {@code from} may be null, in
 * which case the platform's default sender is used.
 */
public record EmailDispatch(
        String messageId,
        String customerId,
        String category,
        String to,
        String from,
        String subject,
        String text,
        String html) {}
