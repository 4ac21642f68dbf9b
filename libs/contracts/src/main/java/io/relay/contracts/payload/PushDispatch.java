package io.relay.contracts.payload;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Send this notification now to every token. Nothing at or after {@code expiresAt} (also the TTL). */
public record PushDispatch(
        String messageId,
        String customerId,
        String category,
        List<String> tokens,
        String title,
        String body,
        Map<String, String> data,
        Appointment appointment,
        Instant expiresAt)
        implements Dispatch {}
