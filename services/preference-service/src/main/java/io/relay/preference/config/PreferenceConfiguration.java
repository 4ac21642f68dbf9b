package io.relay.preference.config;

import io.relay.links.LinkKeys;
import io.relay.links.LinkTokens;
import io.relay.links.LinkUrls;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.Queues;
import io.relay.messaging.spring.DeclaredQueues;
import io.relay.preference.contact.ContactEventHandler;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Spring wiring only. */
@Configuration
class PreferenceConfiguration {

    /** LINK_SIGNING_KEY signs new links; LINK_SIGNING_KEYS_PREVIOUS (comma-separated) still verify. */
    @Bean
    LinkKeys linkKeys(
            @Value("${relay.links.signing-key}") String current,
            @Value("${relay.links.previous-keys}") String previous) {
        return new LinkKeys(current, previous);
    }

    @Bean
    LinkTokens linkTokens(LinkKeys keys, JsonMapper json, Clock clock) {
        return new LinkTokens(keys, json, clock);
    }

    @Bean
    LinkUrls linkUrls(
            LinkTokens tokens,
            @Value("${relay.public-base-url}") String publicBaseUrl,
            @Value("${relay.links.preference-ttl:P7D}") java.time.Duration preferenceTtl,
            @Value("${relay.links.unsubscribe-ttl:P90D}") java.time.Duration unsubscribeTtl) {
        return new LinkUrls(tokens, publicBaseUrl, preferenceTtl, unsubscribeTtl);
    }

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
