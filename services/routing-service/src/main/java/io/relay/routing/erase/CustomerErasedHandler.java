package io.relay.routing.erase;

import io.relay.contracts.Envelope;
import io.relay.contracts.payload.CustomerErased;
import io.relay.contracts.payload.MessageAccepted;
import io.relay.messaging.EnvelopeHandler;
import io.relay.messaging.ParkingReplay;
import io.relay.messaging.Queues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A customer was erased: messages not yet dispatched are cancelled, the content of all their
 * messages is dropped, and their {@code message.accepted} parked for an operator is deleted. The timelines stay (they say what happened, not what was said). Repeating it
 * changes nothing more.
 */
@Component
public class CustomerErasedHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(CustomerErasedHandler.class);

    private final ErasureStore store;
    private final com.rabbitmq.client.Connection connection;
    private final io.relay.messaging.EnvelopeCodec codec;

    public CustomerErasedHandler(
            ErasureStore store, com.rabbitmq.client.Connection connection, io.relay.messaging.EnvelopeCodec codec) {
        this.store = store;
        this.connection = connection;
        this.codec = codec;
    }

    @Override
    public void handle(Envelope<Object> envelope) throws Exception {
        CustomerErased erased = (CustomerErased) envelope.payload();
        ErasureStore.Erasure result =
                store.eraseCustomer(envelope.tenantId(), erased.customerId(), erased.pseudonymOrErased(), erased.at());
        // a message.accepted parked for an operator names the customer: it goes too
        int discarded = ParkingReplay.discard(
                connection,
                Queues.ROUTING_ACCEPTED.name(),
                codec,
                parked -> envelope.tenantId().equals(parked.tenantId())
                        && parked.payload() instanceof MessageAccepted message
                        && erased.customerId().equals(message.customerId()));
        log.info(
                "customer erased: {} messages cancelled, {} scrubbed, {} parked deleted",
                result.cancelled(),
                result.scrubbed(),
                discarded);
    }
}
