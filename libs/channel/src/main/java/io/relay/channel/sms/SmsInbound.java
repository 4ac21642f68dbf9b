package io.relay.channel.sms;

import io.relay.channel.ChannelEvents;
import io.relay.contracts.payload.ContactEvent;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A text a customer sent us, whatever the provider it came through: STOP (and its synonyms) opts the
 * number out, START opts it back in, for every tenant that sends from the number that received it.
 */
public final class SmsInbound {

    private static final Logger log = LoggerFactory.getLogger(SmsInbound.class);

    private final SenderTenants senderTenants;
    private final ChannelEvents events;
    private final Clock clock;

    public SmsInbound(SenderTenants senderTenants, ChannelEvents events, Clock clock) {
        this.senderTenants = senderTenants;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Acts on the keyword in {@code body} and returns it.
     *
     * @param messagingService the provider's sender pool that received it, if any
     * @throws org.springframework.web.client.RestClientException when the sender map cannot be read: the
     *     caller answers so that the provider retries, and the opt-out is not silently lost
     */
    public String receive(String from, String to, String messagingService, String body) {
        return receive(from, to, body, () -> senderTenants.of(to, messagingService));
    }

    /**
     * The same for a text that arrived at a tenant's own provider account: it concerns the tenants that
     * connected that account, and no one else.
     */
    public String receiveFor(List<String> tenants, String from, String to, String body) {
        return receive(from, to, body, () -> tenants);
    }

    private String receive(String from, String to, String body, Supplier<List<String>> tenants) {
        String keyword = SmsKeywords.keyword(body);
        ContactEvent.Kind kind = SmsKeywords.effect(keyword);
        if (kind != null && from != null && to != null) {
            for (String tenantId : tenants.get()) {
                ContactEvent event = new ContactEvent(kind, from, keyword, "inbound SMS to " + to, clock.instant());
                events.publish("in_" + UUID.randomUUID(), tenantId, null, event);
            }
            log.info("inbound {} from a customer to {}", keyword, to);
        }
        return keyword;
    }
}
