package io.relay.preference.change;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.CustomerChanged;
import io.relay.messaging.ConfirmingPublisher;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells the other services that a customer changed (after commit), so routing ends at once what the
 * customer no longer allows instead of when it falls due. Best effort by design: the promise itself is
 * kept by routing deciding again at the moment of sending, so a lost announcement only means a waiting
 * message ends at its due time rather than now. The event names the customer and nothing else.
 */
@Component
public class ChangeAnnouncer {

    private static final Logger log = LoggerFactory.getLogger(ChangeAnnouncer.class);

    private final ConfirmingPublisher publisher;
    private final Clock clock;

    public ChangeAnnouncer(ConfirmingPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    @EventListener
    public void customerChanged(Changes.CustomerChanged change) {
        var now = clock.instant();
        publisher
                .publish(
                        Topology.EVENTS_EXCHANGE,
                        Topology.KEY_CUSTOMER_CHANGED,
                        Envelope.of(
                                "changed_" + UUID.randomUUID(),
                                change.tenantId(),
                                new CustomerChanged(change.customerId(), now),
                                null,
                                now))
                .exceptionally(failure -> {
                    log.warn(
                            "customer.changed not announced (its messages are checked when due): {}",
                            failure.toString());
                    return null;
                });
    }
}
