package io.relay.routing.delivery;

import io.relay.contracts.Envelope;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.EnvelopeHandler;
import io.relay.routing.timeline.MessageStore;
import io.relay.routing.timeline.Status;
import io.relay.routing.timeline.TimelineEntry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Puts what a channel service saw onto the message's timeline; repeats and late arrivals are no-ops. */
@Component
public class DeliveryEventHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEventHandler.class);

    private final MessageStore store;

    public DeliveryEventHandler(MessageStore store) {
        this.store = store;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        DeliveryEvent event = (DeliveryEvent) envelope.payload();
        Status to = switch (event.status()) {
            case SENT -> Status.SENT;
            case DELIVERED -> Status.DELIVERED;
            case FAILED -> Status.FAILED;
        };
        TimelineEntry entry = new TimelineEntry(event.at(), to.wireName(), event.channel(), reason(event));
        boolean moved = store.advance(envelope.tenantId(), event.messageId(), to, event.channel(), List.of(entry));
        log.info("{} on {}{}", to.wireName(), event.channel(), moved ? "" : " (already recorded or superseded)");
    }

    private static String reason(DeliveryEvent event) {
        if (event.status() == DeliveryEvent.Status.FAILED) {
            return (event.code() == null ? "" : "[" + event.code() + "] ")
                    + (event.reason() == null ? "" : event.reason());
        }
        return event.providerMessageId() == null ? null : "provider id " + event.providerMessageId();
    }
}
