package io.relay.channel.spring;

import io.relay.channel.ErasureHook;
import io.relay.contracts.Envelope;
import io.relay.contracts.payload.CustomerErased;
import io.relay.contracts.payload.Dispatch;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.EnvelopeHandler;
import io.relay.messaging.ParkingReplay;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A customer was erased: their dispatches parked on this channel (bodies with their address and the
 * message's content) are deleted, and each {@link ErasureHook} forgets what it keeps. Dispatches still
 * in the work or retry queue are refused by the worker when they come round (the erased mark). Safe to
 * repeat.
 */
final class ErasedCustomers implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(ErasedCustomers.class);

    private final com.rabbitmq.client.Connection connection;
    private final EnvelopeCodec codec;
    private final String queue;
    private final List<ErasureHook> hooks;

    ErasedCustomers(
            com.rabbitmq.client.Connection connection, EnvelopeCodec codec, String queue, List<ErasureHook> hooks) {
        this.connection = connection;
        this.codec = codec;
        this.queue = queue;
        this.hooks = List.copyOf(hooks);
    }

    @Override
    public void handle(Envelope<Object> envelope) throws Exception {
        CustomerErased erased = (CustomerErased) envelope.payload();
        String tenantId = envelope.tenantId();
        int discarded = ParkingReplay.discard(
                connection,
                queue,
                codec,
                parked -> tenantId.equals(parked.tenantId())
                        && parked.payload() instanceof Dispatch dispatch
                        && erased.customerId().equals(dispatch.customerId()));
        hooks.forEach(hook -> hook.forget(tenantId, erased.customerId()));
        if (discarded > 0) {
            log.info("an erased customer's {} parked dispatch(es) deleted from {}", discarded, queue);
        }
    }
}
