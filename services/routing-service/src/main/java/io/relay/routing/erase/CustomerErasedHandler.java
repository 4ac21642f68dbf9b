package io.relay.routing.erase;

import io.relay.contracts.Envelope;
import io.relay.contracts.payload.CustomerErased;
import io.relay.messaging.EnvelopeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A customer was erased: messages not yet dispatched are cancelled, and the content of all their
 * messages is dropped. The timelines stay (they say what happened, not what was said). Repeating it
 * changes nothing more.
 */
@Component
public class CustomerErasedHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(CustomerErasedHandler.class);

    private final ErasureStore store;

    public CustomerErasedHandler(ErasureStore store) {
        this.store = store;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        CustomerErased erased = (CustomerErased) envelope.payload();
        ErasureStore.Erasure result =
                store.eraseCustomer(envelope.tenantId(), erased.customerId(), erased.pseudonymOrErased(), erased.at());
        log.info("customer erased: {} messages cancelled, {} scrubbed", result.cancelled(), result.scrubbed());
    }
}
