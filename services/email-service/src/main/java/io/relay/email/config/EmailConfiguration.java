package io.relay.email.config;

import io.relay.email.send.EmailDispatchHandler;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.Queues;
import io.relay.messaging.spring.DeclaredQueues;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring only. */
@Configuration
class EmailConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** EMAIL_CONSUMERS: SMTP transactions in parallel (one per consumer channel). */
    @Bean
    QueueConsumer emailDispatches(
            EmailDispatchHandler handler,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            @Value("${relay.email.consumers:${EMAIL_CONSUMERS:2}}") int consumers) {
        return new QueueConsumer(Queues.EMAIL_DISPATCH.withConcurrency(consumers), handler, codec, publisher);
    }

    /** Delivery events are kept even while routing-service is down. */
    @Bean
    DeclaredQueues deliveryEventQueue() {
        return DeclaredQueues.of(Queues.ROUTING_DELIVERY);
    }
}
