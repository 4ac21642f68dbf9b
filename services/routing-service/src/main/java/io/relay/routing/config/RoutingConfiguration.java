package io.relay.routing.config;

import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.Queues;
import io.relay.messaging.spring.DeclaredQueues;
import io.relay.routing.delivery.DeliveryEventHandler;
import io.relay.routing.erase.CustomerErasedHandler;
import io.relay.routing.route.AcceptedMessageHandler;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring only. */
@Configuration
class RoutingConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /*
     * A consumer channel handles one message at a time, and routing one waits on preference-service,
     * PostgreSQL and the broker's confirm: the two channels of the default allowed ~170 messages/s.
     * ROUTING_CONSUMERS channels per queue (virtual threads), each message still routed once (its
     * status moves only forward, in one transaction).
     */
    @Bean
    QueueConsumer acceptedMessages(
            AcceptedMessageHandler handler,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            io.relay.routing.RoutingProperties settings) {
        return new QueueConsumer(
                Queues.ROUTING_ACCEPTED.withConcurrency(settings.routing().consumers()), handler, codec, publisher);
    }

    @Bean
    QueueConsumer deliveryEvents(
            DeliveryEventHandler handler,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            io.relay.routing.RoutingProperties settings) {
        return new QueueConsumer(
                Queues.ROUTING_DELIVERY.withConcurrency(settings.routing().consumers()), handler, codec, publisher);
    }

    /** The channel services' batches of delivery events, handled by the same handler, event by event. */
    @Bean
    QueueConsumer deliveryBatches(
            DeliveryEventHandler handler,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            io.relay.routing.RoutingProperties settings) {
        return new QueueConsumer(
                Queues.ROUTING_DELIVERY_BATCHES.withConcurrency(
                        settings.routing().consumers()),
                handler,
                codec,
                publisher);
    }

    @Bean
    QueueConsumer customerEvents(
            CustomerErasedHandler erased,
            io.relay.routing.schedule.CustomerChangedHandler changed,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher) {
        return new QueueConsumer(
                Queues.ROUTING_CUSTOMER,
                envelope -> {
                    if (envelope.payload() instanceof io.relay.contracts.payload.CustomerChanged) {
                        changed.handle(envelope);
                    } else {
                        erased.handle(envelope);
                    }
                },
                codec,
                publisher);
    }

    @Bean
    QueueConsumer statusWebhooks(
            io.relay.routing.webhook.StatusWebhookRecorder handler,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher) {
        return new QueueConsumer(Queues.ROUTING_WEBHOOKS, handler, codec, publisher);
    }

    /** Dispatch queues exist before any channel service first starts, so no dispatch is unroutable. */
    @Bean
    DeclaredQueues dispatchQueues() {
        return new DeclaredQueues(Queues.DISPATCH);
    }
}
