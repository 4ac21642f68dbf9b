package io.relay.contracts;

import java.time.Instant;
import java.util.Objects;

/**
 * What travels on RabbitMQ: the metadata every message carries (architecture.md, "RabbitMQ rules")
 * around one versioned payload. On the wire the metadata are AMQP properties and headers and the
 * payload is the JSON body.
 */
public record Envelope<T>(
        String messageId,
        String tenantId,
        String type,
        int schemaVersion,
        int attempt,
        String traceparent,
        Instant createdAt,
        T payload) {

    public Envelope {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(payload, "payload");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1, was " + attempt);
        }
    }

    /** A first attempt of a payload whose type and version come from {@link MessageTypes}. */
    public static <T> Envelope<T> of(
            String messageId, String tenantId, T payload, String traceparent, Instant createdAt) {
        MessageTypes.Type type = MessageTypes.forPayload(payload.getClass());
        return new Envelope<>(messageId, tenantId, type.name(), type.version(), 1, traceparent, createdAt, payload);
    }

    public Envelope<T> nextAttempt() {
        return new Envelope<>(messageId, tenantId, type, schemaVersion, attempt + 1, traceparent, createdAt, payload);
    }
}
