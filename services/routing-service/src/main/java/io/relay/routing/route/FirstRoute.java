package io.relay.routing.route;

import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.message.StoredMessage;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A message is routed in the request that accepted it: no hop through {@code message.accepted} and no
 * read of the row just written, and no waiting on a frequency cap another transaction is counting.
 * Whatever stops that (that cap, preference-service not answering, the broker not confirming the
 * dispatch, a crash) leaves the message where the queue's consumer or the scheduler's
 * redrive picks it up: on any failure it is handed to {@code message.accepted}, whose consumer retries
 * and parks as it always did; a crash before that leaves an {@code accepted} row, which the scheduler
 * publishes again after {@code relay.scheduler.redrive-after}.
 */
@Component
public class FirstRoute {

    private static final Logger log = LoggerFactory.getLogger(FirstRoute.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private final Router router;
    private final Dispatcher dispatcher;

    public FirstRoute(Router router, Dispatcher dispatcher) {
        this.router = router;
        this.dispatcher = dispatcher;
    }

    /**
     * Routes the message now, or hands it to {@code message.accepted}.
     *
     * @throws ConfirmingPublisher.PublishException when it could be neither routed nor handed on
     */
    public void routeOrHandOff(StoredMessage message, String traceparent, Instant now) {
        try {
            router.routeWithoutWaiting(message, traceparent, now);
            return;
        } catch (RuntimeException e) {
            log.info("not routed at acceptance, handed to message.accepted: {}", e.toString());
        }
        ConfirmingPublisher.await(
                dispatcher.publishAccepted(
                        message.tenantId(),
                        message.id(),
                        message.request().customerId(),
                        message.request().category(),
                        traceparent,
                        now),
                CONFIRM_TIMEOUT);
    }
}
