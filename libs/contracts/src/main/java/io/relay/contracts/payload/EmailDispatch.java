package io.relay.contracts.payload;

import java.time.Instant;

/**
 * Send this email now. email-service sends exactly what it is given; {@code from} may be null (the
 * platform's default sender), {@code appointment} and {@code expiresAt} too. Nothing is sent at or
 * after {@code expiresAt}.
 */
public record EmailDispatch(
        String messageId,
        String customerId,
        String category,
        String to,
        String from,
        String subject,
        String text,
        String html,
        Appointment appointment,
        Instant expiresAt) {}
