package io.relay.preference.config;

import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.Queues;
import io.relay.messaging.spring.DeclaredQueues;
import io.relay.preference.contact.ContactEventHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring only (the links are libs/links' auto-configuration). */
@Configuration
class PreferenceConfiguration {

    @Bean
    QueueConsumer contactEvents(ContactEventHandler handler, EnvelopeCodec codec, ConfirmingPublisher publisher) {
        return new QueueConsumer(Queues.PREFERENCE_CONTACT, handler, codec, publisher);
    }

    /** Erasure events wait for routing-service even while it is down. */
    @Bean
    DeclaredQueues customerEventQueue() {
        return DeclaredQueues.of(Queues.ROUTING_CUSTOMER);
    }
}
