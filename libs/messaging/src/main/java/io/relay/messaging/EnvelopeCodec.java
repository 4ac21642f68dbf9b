package io.relay.messaging;

import com.rabbitmq.client.AMQP;
import io.relay.contracts.Envelope;
import io.relay.contracts.MessageTypes;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Envelope metadata as AMQP properties and headers, payload as the JSON body. */
public final class EnvelopeCodec {

    public static final String H_TENANT = "tenant-id";
    public static final String H_SCHEMA_VERSION = "schema-version";
    public static final String H_ATTEMPT = "attempt";
    public static final String H_TRACEPARENT = "traceparent";
    public static final String H_CREATED_AT = "created-at";

    private final JsonMapper json;

    public EnvelopeCodec() {
        this(JsonMapper.builder().build());
    }

    public EnvelopeCodec(JsonMapper json) {
        this.json = json;
    }

    public AMQP.BasicProperties properties(Envelope<?> envelope) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(H_TENANT, envelope.tenantId());
        headers.put(H_SCHEMA_VERSION, envelope.schemaVersion());
        headers.put(H_ATTEMPT, envelope.attempt());
        headers.put(H_CREATED_AT, envelope.createdAt().toString());
        if (envelope.traceparent() != null) {
            headers.put(H_TRACEPARENT, envelope.traceparent());
        }
        return new AMQP.BasicProperties.Builder()
                .messageId(envelope.messageId())
                .type(envelope.type())
                .contentType("application/json")
                .contentEncoding("utf-8")
                .deliveryMode(2)
                .timestamp(java.util.Date.from(envelope.createdAt()))
                .headers(headers)
                .build();
    }

    public byte[] body(Envelope<?> envelope) {
        return json.writeValueAsBytes(envelope.payload());
    }

    /**
     * Reads an envelope back.
     *
     * @throws UnreadableMessageException when the message is not one this code understands; such a
     *     message is parked, never retried
     */
    public Envelope<Object> decode(AMQP.BasicProperties props, byte[] body) {
        try {
            Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
            String type = props.getType();
            MessageTypes.Type known = MessageTypes.byName(type)
                    .orElseThrow(() -> new UnreadableMessageException("unknown message type " + type));
            int version = intHeader(headers, H_SCHEMA_VERSION, 1);
            if (version > known.version()) {
                throw new UnreadableMessageException(
                        "schema version " + version + " of " + type + " is newer than " + known.version());
            }
            Object payload = json.readValue(body, known.payloadClass());
            return new Envelope<>(
                    props.getMessageId(),
                    stringHeader(headers, H_TENANT),
                    type,
                    version,
                    intHeader(headers, H_ATTEMPT, 1),
                    stringHeader(headers, H_TRACEPARENT),
                    Instant.parse(stringHeader(headers, H_CREATED_AT)),
                    payload);
        } catch (UnreadableMessageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UnreadableMessageException("unreadable message: " + e.getMessage(), e);
        }
    }

    static String stringHeader(Map<String, Object> headers, String name) {
        Object value = headers.get(name);
        return value == null ? null : value.toString(); // LongString on the wire
    }

    static int intHeader(Map<String, Object> headers, String name, int fallback) {
        Object value = headers.get(name);
        return value instanceof Number n ? n.intValue() : fallback;
    }

    /** The message cannot be understood, so retrying it cannot help. */
    public static final class UnreadableMessageException extends RuntimeException {
        public UnreadableMessageException(String message) {
            super(message);
        }

        public UnreadableMessageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
