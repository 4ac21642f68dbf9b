package io.relay.routing.route;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.contracts.payload.MessageAccepted;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeHandler;
import io.relay.routing.accept.MessageRequest;
import io.relay.routing.customer.PreferenceClient;
import io.relay.routing.decide.ChannelDecision;
import io.relay.routing.decide.Decision;
import io.relay.routing.timeline.MessageStore;
import io.relay.routing.timeline.Status;
import io.relay.routing.timeline.StoredMessage;
import io.relay.routing.timeline.TimelineEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Routes an accepted message: asks preference-service about the customer, decides, records the
 * decision, then publishes the dispatch. Safe to run twice: a message already dispatched is
 * dispatched again only if it has not been sent (the channel service drops the duplicate), and a
 * message past that is left alone.
 */
@Component
public class AcceptedMessageHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(AcceptedMessageHandler.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final MessageStore store;
    private final PreferenceClient preferences;
    private final ConfirmingPublisher publisher;
    private final Clock clock;

    public AcceptedMessageHandler(
            MessageStore store, PreferenceClient preferences, ConfirmingPublisher publisher, Clock clock) {
        this.store = store;
        this.preferences = preferences;
        this.publisher = publisher;
        this.clock = clock;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        MessageAccepted accepted = (MessageAccepted) envelope.payload();
        String tenantId = envelope.tenantId();
        StoredMessage message = store.find(tenantId, accepted.messageId())
                .orElseThrow(() -> new PermanentFailure("no stored message " + accepted.messageId()));
        if (message.status() != Status.ACCEPTED && message.status() != Status.DISPATCHED) {
            log.info("message already {}, nothing to route", message.status().wireName());
            return;
        }
        if (message.request().content() == null) {
            log.info("message content was erased, nothing to route");
            return;
        }
        Decision decision = ChannelDecision.decide(
                message.request(),
                preferences.resolve(
                        tenantId,
                        message.request().customerId(),
                        message.request().category()));
        Instant now = clock.instant();
        switch (decision) {
            case Decision.Suppress suppress -> {
                store.advance(
                        tenantId,
                        message.id(),
                        Status.SUPPRESSED,
                        null,
                        List.of(new TimelineEntry(now, "suppressed", null, suppress.reason())));
                log.info("suppressed: {}", suppress.reason());
            }
            case Decision.Send send -> {
                if (message.status() == Status.ACCEPTED) {
                    store.advance(
                            tenantId,
                            message.id(),
                            Status.DISPATCHED,
                            send.channel(),
                            List.of(
                                    new TimelineEntry(now, "routed", send.channel(), send.reason()),
                                    new TimelineEntry(now, "dispatched", send.channel(), null)));
                }
                MessageRequest.EmailContent email = message.request().content().email();
                EmailDispatch dispatch = new EmailDispatch(
                        message.id(),
                        message.request().customerId(),
                        message.request().category(),
                        send.address(),
                        null,
                        email.subject(),
                        email.text(),
                        email.html());
                publisher.publishAndWait(
                        Topology.EVENTS_EXCHANGE,
                        Topology.KEY_DISPATCH_EMAIL,
                        Envelope.of(message.id(), tenantId, dispatch, envelope.traceparent(), now),
                        CONFIRM_TIMEOUT);
                log.info("dispatched on {}", send.channel());
            }
        }
    }
}
