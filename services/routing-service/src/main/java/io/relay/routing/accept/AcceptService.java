package io.relay.routing.accept;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.MessageAccepted;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.timeline.MessageStore;
import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

/**
 * Accepting a message: it is stored, then {@code message.accepted} is published and confirmed by the
 * broker, and only then does the caller hear 202. If the broker does not confirm, the stored message
 * is forgotten and the caller hears 503, so a 202 always means the message is on its way.
 */
@Service
public class AcceptService {

    private static final Logger log = LoggerFactory.getLogger(AcceptService.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private final MessageStore store;
    private final ConfirmingPublisher publisher;
    private final Clock clock;

    public AcceptService(MessageStore store, ConfirmingPublisher publisher, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
    }

    public String accept(String tenantId, MessageRequest request, String traceparent) {
        Instant now = clock.instant();
        List<FieldViolation> violations = MessageValidator.violations(request, now);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        MDC.put("messageId", id);
        try {
            store.insertAccepted(tenantId, id, request, now);
            Envelope<MessageAccepted> envelope = Envelope.of(
                    id, tenantId, new MessageAccepted(id, request.customerId(), request.category()), traceparent, now);
            try {
                publisher.publishAndWait(
                        Topology.EVENTS_EXCHANGE, Topology.KEY_MESSAGE_ACCEPTED, envelope, CONFIRM_TIMEOUT);
            } catch (ConfirmingPublisher.PublishException e) {
                store.forget(tenantId, id);
                throw new BrokerUnavailableException(e);
            }
            log.info("accepted message for customer {} in category {}", request.customerId(), request.category());
            return id;
        } finally {
            MDC.remove("messageId");
        }
    }

    /** The broker did not confirm; nothing was accepted. */
    public static class BrokerUnavailableException extends RuntimeException {
        BrokerUnavailableException(Throwable cause) {
            super("the message broker did not confirm the message; nothing was accepted, try again", cause);
        }
    }
}
