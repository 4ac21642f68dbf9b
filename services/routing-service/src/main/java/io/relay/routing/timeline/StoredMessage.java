package io.relay.routing.timeline;

import io.relay.routing.accept.MessageRequest;
import java.time.Instant;

/** An accepted message as routing-service keeps it. */
public record StoredMessage(
        String tenantId,
        String id,
        MessageRequest request,
        Status status,
        String channel,
        Instant createdAt,
        Instant updatedAt) {}
