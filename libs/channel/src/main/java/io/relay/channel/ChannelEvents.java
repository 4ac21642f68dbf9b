package io.relay.channel;

import io.micrometer.observation.Observation;
import io.relay.contracts.Channel;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryBatch;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a channel service tells the others, each publish confirmed by the broker before it returns:
 * a message's delivery events (for routing) and what it learned about an address (for
 * preference-service). Used by the worker and by a provider's webhooks alike.
 */
public final class ChannelEvents {

    private static final Logger log = LoggerFactory.getLogger(ChannelEvents.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final Channel channel;
    private final ConfirmingPublisher publisher;
    private final Clock clock;
    private final DeliveryBatcher batcher;

    public ChannelEvents(Channel channel, ConfirmingPublisher publisher, Clock clock) {
        this(channel, publisher, clock, null);
    }

    /** With {@code batcher}, delivery events published at about the same time go to the broker together. */
    public ChannelEvents(Channel channel, ConfirmingPublisher publisher, Clock clock, DeliveryBatcher batcher) {
        this.channel = channel;
        this.publisher = publisher;
        this.clock = clock;
        this.batcher = batcher;
    }

    public Channel channel() {
        return channel;
    }

    /** A delivery event for the message; code and reason only for failures. */
    public DeliveryEvent delivery(
            String messageId, DeliveryEvent.Status status, String providerId, String code, String reason) {
        return new DeliveryEvent(messageId, channel.wireName(), status, providerId, code, reason, clock.instant());
    }

    /**
     * Returns once the broker confirmed the event: with others ({@link DeliveryBatcher}), or alone when
     * there is no batcher, it is closed, or the batch was not taken (unroutable: no routing that reads
     * batches yet; nacked, unconfirmed, or the batcher stopped). An event so sent twice is recorded
     * once: routing's handling of it is idempotent. The publish span is this thread's, as it was alone.
     */
    public void publish(String tenantId, String traceparent, DeliveryEvent event) {
        if (batcher != null && together(tenantId, traceparent, event)) {
            return;
        }
        DeliveryBatch.Item alone = new DeliveryBatch.Item(tenantId, traceparent, event);
        publisher.publishAndWait(Topology.EVENTS_EXCHANGE, alone.routingKey(), alone.alone(), CONFIRM_TIMEOUT);
    }

    private boolean together(String tenantId, String traceparent, DeliveryEvent event) {
        Map<String, Object> headers = new HashMap<>();
        if (traceparent != null) {
            headers.put(EnvelopeCodec.H_TRACEPARENT, traceparent);
        }
        Observation span = publisher.startSpan(Topology.EVENTS_EXCHANGE, Topology.deliveriesKey(channel), headers);
        try {
            Object context = headers.get(EnvelopeCodec.H_TRACEPARENT);
            CompletableFuture<Void> confirmed =
                    batcher.offer(tenantId, context == null ? null : context.toString(), event);
            if (confirmed == null) {
                return false;
            }
            ConfirmingPublisher.await(confirmed, CONFIRM_TIMEOUT);
            return true;
        } catch (ConfirmingPublisher.PublishException e) {
            span.error(e);
            log.debug("delivery event not published together ({}): alone", e.getMessage());
            return false;
        } finally {
            span.stop();
        }
    }

    /** {@code id} makes a republished event recognisable as the same one. */
    public void publish(String id, String tenantId, String traceparent, ContactEvent event) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.contactKey(event.kind()),
                Envelope.of(id, tenantId, event, traceparent, clock.instant()),
                CONFIRM_TIMEOUT);
    }
}
