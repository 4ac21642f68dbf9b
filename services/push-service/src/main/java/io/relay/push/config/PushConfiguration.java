package io.relay.push.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.Queues;
import io.relay.messaging.spring.DeclaredQueues;
import io.relay.push.send.FcmProperties;
import io.relay.push.send.FcmSender;
import io.relay.push.send.PushDispatchHandler;
import io.relay.resilience.ProviderResilience;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring only: the queue, and Resilience4j around FCM with its metrics. */
@Configuration
@EnableConfigurationProperties(FcmProperties.class)
class PushConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    QueueConsumer pushDispatches(
            PushDispatchHandler handler,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            @Value("${relay.push.consumers:${PUSH_CONSUMERS:64}}") int consumers) {
        return new QueueConsumer(Queues.PUSH_DISPATCH.withConcurrency(consumers), handler, codec, publisher);
    }

    /** Delivery and contact events wait for their consumers even while those are down. */
    @Bean
    DeclaredQueues eventQueues() {
        return DeclaredQueues.of(Queues.ROUTING_DELIVERY, Queues.PREFERENCE_CONTACT);
    }

    /** Retry, circuit breaker, rate limiter (FCM_RATE_PER_SECOND) and bulkhead around Fcm, with metrics. */
    @Bean
    ProviderResilience fcmResilience(
            MeterRegistry meters,
            io.micrometer.observation.ObservationRegistry observations,
            @Value("${FCM_RATE_PER_SECOND:2000}") int perSecond) {
        return new ProviderResilience(
                        "fcm",
                        FcmSender.TransientFailure.class,
                        FcmSender.TransientFailure::retryAfter,
                        perSecond,
                        64,
                        meters)
                .observedBy(observations);
    }
}
