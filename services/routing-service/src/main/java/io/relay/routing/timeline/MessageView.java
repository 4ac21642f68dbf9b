package io.relay.routing.timeline;

import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import java.time.Instant;
import java.util.List;

/** {@code GET /v1/messages/{id}} as api.md shows it. */
public record MessageView(
        String id,
        String customerId,
        String category,
        String status,
        String channel,
        Instant scheduledFor,
        Instant createdAt,
        List<TimelineEntry> timeline) {

    public static MessageView of(StoredMessage message, List<TimelineEntry> timeline) {
        return new MessageView(
                message.id(),
                message.request().customerId(),
                message.request().category(),
                message.status().wireName(),
                message.channel(),
                message.status() == Status.SCHEDULED ? message.scheduledFor() : null,
                message.createdAt(),
                timeline);
    }
}
