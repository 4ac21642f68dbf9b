package io.relay.sms.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.Queues;
import io.relay.messaging.spring.DeclaredQueues;
import io.relay.resilience.ProviderResilience;
import io.relay.sms.send.SmsDispatchHandler;
import io.relay.sms.send.TwilioProperties;
import io.relay.sms.send.TwilioSender;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring only: the queue, and Resilience4j around Twilio with its metrics. */
@Configuration
@EnableConfigurationProperties(TwilioProperties.class)
class SmsConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    QueueConsumer smsDispatches(
            SmsDispatchHandler handler,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            @Value("${relay.sms.consumers:${SMS_CONSUMERS:64}}") int consumers) {
        return new QueueConsumer(Queues.SMS_DISPATCH.withConcurrency(consumers), handler, codec, publisher);
    }

    /** Delivery and contact events wait for their consumers even while those are down. */
    @Bean
    DeclaredQueues eventQueues() {
        return DeclaredQueues.of(Queues.ROUTING_DELIVERY, Queues.PREFERENCE_CONTACT);
    }

    /** Retry, circuit breaker, rate limiter (TWILIO_RATE_PER_SECOND) and bulkhead around Twilio, with metrics. */
    @Bean
    ProviderResilience twilioResilience(
            MeterRegistry meters,
            io.micrometer.observation.ObservationRegistry observations,
            @Value("${TWILIO_RATE_PER_SECOND:1000}") int perSecond) {
        return new ProviderResilience(
                        "twilio", TwilioSender.TransientFailure.class, failure -> null, perSecond, 64, meters)
                .observedBy(observations);
    }
}
