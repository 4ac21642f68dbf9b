package io.relay.routing.webhook;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.message.StatusChange;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * After a status change commits, and only for tenants with a webhook, hands it to RabbitMQ; the
 * webhook itself is sent (and retried) by {@link StatusWebhookSender} from its own queue, so a slow or
 * failing business endpoint never holds up delivery.
 */
@Component
public class StatusChangePublisher {

    private static final Logger log = LoggerFactory.getLogger(StatusChangePublisher.class);

    private final TenantWebhooks webhooks;
    private final ConfirmingPublisher publisher;

    public StatusChangePublisher(TenantWebhooks webhooks, ConfirmingPublisher publisher) {
        this.webhooks = webhooks;
        this.publisher = publisher;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    public void afterCommit(StatusChange event) {
        if (webhooks.find(event.tenantId()).isEmpty()) {
            return;
        }
        log.debug(
                "status {} of {} to the webhook queue",
                event.change().status(),
                event.change().id());
        publisher
                .publish(
                        Topology.EVENTS_EXCHANGE,
                        Topology.KEY_STATUS_CHANGED,
                        Envelope.of(event.change().id(), event.tenantId(), event.change(), null, Instant.now()))
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        log.warn(
                                "status change of {} not handed to the webhook queue: {}",
                                event.change().id(),
                                failure.toString());
                    }
                });
    }
}
