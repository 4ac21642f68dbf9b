package io.relay.routing.webhook;

import io.relay.contracts.Envelope;
import io.relay.contracts.payload.StatusChanged;
import io.relay.messaging.EnvelopeHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A status change from the webhook queue becomes a webhook the tenant is owed (WebhookDeliveries), with
 * the body it will be sent with every time and an event id derived from the change itself, so a
 * redelivered change is owed once and every retry carries the same {@code webhook-id}.
 * {@link WebhookDispatcher} sends it.
 */
@Component
public class StatusWebhookRecorder implements EnvelopeHandler {

    /** The event type of a message's status change; later kinds of events get types of their own. */
    public static final String MESSAGE_STATUS = "message.status";

    private final WebhookDeliveries deliveries;
    private final JsonMapper json;
    private final Clock clock;

    public StatusWebhookRecorder(WebhookDeliveries deliveries, JsonMapper json, Clock clock) {
        this.deliveries = deliveries;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        StatusChanged change = (StatusChanged) envelope.payload();
        String eventId = eventId(change);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", MESSAGE_STATUS);
        body.put("eventId", eventId);
        body.put("id", change.id());
        body.put("status", change.status());
        body.put("channel", change.channel());
        body.put("at", change.at() == null ? null : change.at().toString());
        body.put("reason", change.reason());
        deliveries.owe(eventId, envelope.tenantId(), MESSAGE_STATUS, json.writeValueAsString(body), clock.instant());
    }

    /** {@code evt_} and 32 hex characters of the change's message, status and time. */
    static String eventId(StatusChanged change) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((change.id() + "|" + change.status() + "|" + change.at()).getBytes(StandardCharsets.UTF_8));
            return "evt_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
