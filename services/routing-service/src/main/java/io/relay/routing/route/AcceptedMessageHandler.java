package io.relay.routing.route;

import io.relay.contracts.Envelope;
import io.relay.contracts.payload.MessageAccepted;
import io.relay.messaging.EnvelopeHandler;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.timeline.MessageStore;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code message.accepted}. Safe to run twice: a message already dispatched is dispatched
 * again (the channel service drops the duplicate), a scheduled one is the scheduler's, and anything
 * further along is left alone.
 */
@Component
public class AcceptedMessageHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(AcceptedMessageHandler.class);

    private final MessageStore store;
    private final Router router;
    private final Dispatcher dispatcher;
    private final Clock clock;

    public AcceptedMessageHandler(MessageStore store, Router router, Dispatcher dispatcher, Clock clock) {
        this.store = store;
        this.router = router;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        MessageAccepted accepted = (MessageAccepted) envelope.payload();
        StoredMessage message = store.find(envelope.tenantId(), accepted.messageId())
                .orElseThrow(() -> new PermanentFailure("no stored message " + accepted.messageId()));
        if (message.request().content() == null) {
            log.info("message content was erased, nothing to route");
            return;
        }
        switch (message.status()) {
            case ACCEPTED -> router.route(message, envelope.traceparent(), clock.instant());
            // already dispatched (its first dispatch unconfirmed, or a redelivery): the same dispatch again
            case DISPATCHED -> dispatcher.publishAgain(message, envelope.traceparent(), clock.instant());
            default ->
                log.info(
                        "message already {}, nothing to route", message.status().wireName());
        }
    }
}
