package io.relay.contracts.payload;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import java.util.List;
import java.util.Objects;

/**
 * Several delivery events in one AMQP message: a channel service's events of the last few
 * milliseconds, published and confirmed together so the broker routes, stores, delivers and settles
 * them once rather than once each. Each event carries what its own message would have: its tenant and
 * its trace. The envelope around a batch names no one tenant ({@link #TENANTS}).
 */
public record DeliveryBatch(List<Item> events) {

    /** The envelope's tenant id: the batch's events name theirs. */
    public static final String TENANTS = "*";

    public DeliveryBatch {
        Objects.requireNonNull(events, "events");
        events = List.copyOf(events);
    }

    /** One event and what its envelope would have carried: tenant and {@code traceparent} (may be null). */
    public record Item(String tenantId, String traceparent, DeliveryEvent event) {
        public Item {
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(event, "event");
        }

        /** The event as the single message it is when it travels alone. */
        public Envelope<DeliveryEvent> alone() {
            return Envelope.of(event.messageId(), tenantId, event, traceparent, event.at());
        }

        /** Where it goes alone: {@code delivery.<channel>.<status>}. */
        public String routingKey() {
            return Topology.deliveryKey(event.channel(), event.status().wireName());
        }
    }
}
