package io.relay.email.config;

import io.relay.email.send.EmailDispatchHandler;
import io.relay.links.LinkKeys;
import io.relay.links.LinkTokens;
import io.relay.links.LinkUrls;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.Queues;
import io.relay.messaging.spring.DeclaredQueues;
import io.relay.resilience.ProviderResilience;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Spring wiring only. */
@Configuration
class EmailConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Retry (4xx and connection trouble only), breaker, rate limiter (SMTP_RATE_PER_SECOND), bulkhead. */
    @Bean
    ProviderResilience smtpResilience(
            io.micrometer.core.instrument.MeterRegistry meters,
            io.micrometer.observation.ObservationRegistry observations,
            @Value("${SMTP_RATE_PER_SECOND:500}") int perSecond) {
        return new ProviderResilience(
                        "smtp",
                        io.relay.email.send.EmailDispatchHandler.SmtpTransient.class,
                        failure -> null,
                        perSecond,
                        64,
                        meters)
                .observedBy(observations);
    }

    /** Links in emails are signed here with LINK_SIGNING_KEY, the key preference-service checks them with. */
    @Bean
    LinkUrls linkUrls(
            @Value("${relay.links.signing-key}") String key,
            @Value("${relay.links.preference-ttl}") java.time.Duration preferenceTtl,
            @Value("${relay.links.unsubscribe-ttl}") java.time.Duration unsubscribeTtl,
            @Value("${relay.public-base-url:${PUBLIC_BASE_URL:http://localhost:8080}}") String publicBaseUrl,
            JsonMapper json,
            Clock clock) {
        LinkTokens tokens = new LinkTokens(new LinkKeys(key, ""), json, clock);
        return new LinkUrls(tokens, publicBaseUrl, preferenceTtl, unsubscribeTtl);
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
