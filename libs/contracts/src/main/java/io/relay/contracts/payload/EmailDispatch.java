package io.relay.contracts.payload;

import java.time.Instant;

/**
 * Send this email now. email-service sends exactly what it is given; {@code from} may be null (the
 * platform's default sender), {@code appointment} and {@code expiresAt} too. Nothing is sent at or
 * after {@code expiresAt}. {@code categoryKind} is transactional or marketing.
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
        Instant expiresAt,
        String categoryKind)
        implements Dispatch {

    /** Marketing email carries List-Unsubscribe (RFC 8058); every email carries a preferences link. */
    public boolean marketing() {
        return "marketing".equals(categoryKind);
    }
}
