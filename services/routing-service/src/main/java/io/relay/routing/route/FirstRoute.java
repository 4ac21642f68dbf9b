package io.relay.routing.route;

import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.timeline.MessageStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    private final MessageStore store;

    public FirstRoute(Router router, Dispatcher dispatcher, MessageStore store) {
        this.router = router;
        this.dispatcher = dispatcher;
        this.store = store;
    }

    /**
     * Routes the message now, or hands it to {@code message.accepted}. When the broker confirms
     * neither after the message was recorded as dispatched, its dispatch may or may not be in a queue:
     * the message goes back to {@code accepted}, for the scheduler's re-drive to route it again (a
     * channel service drops a dispatch it already sent), and the caller still hears 202.
     *
     * @throws ConfirmingPublisher.PublishException only when nothing went out: the message is still
     *     {@code accepted}, so it may be forgotten and the caller told so. A message that moved on
     *     meanwhile (its unconfirmed dispatch was sent after all) is on its way: no throw.
     */
    public void routeOrHandOff(StoredMessage message, String traceparent, Instant now) {
        try {
            router.routeWithoutWaiting(message, traceparent, now);
            return;
        } catch (RuntimeException e) {
            log.info("not routed at acceptance, handed to message.accepted: {}", e.toString());
        }
        try {
            ConfirmingPublisher.await(
                    dispatcher.publishAccepted(
                            message.tenantId(),
                            message.id(),
                            message.request().customerId(),
                            message.request().category(),
                            traceparent,
                            now),
                    CONFIRM_TIMEOUT);
        } catch (ConfirmingPublisher.PublishException e) {
            boolean requeued = store.advanceFrom(
                    message.tenantId(),
                    message.id(),
                    List.of(Status.DISPATCHED),
                    Status.ACCEPTED,
                    null,
                    List.of(
                            new TimelineEntry(
                                    now,
                                    "unconfirmed",
                                    null,
                                    "the broker confirmed neither the dispatch nor its hand-off; routed again by the re-drive")));
            if (requeued) {
                log.warn("dispatch unconfirmed, left to the scheduler's re-drive: {}", e.toString());
            } else if (store.find(message.tenantId(), message.id())
                    .map(m -> m.status() == Status.ACCEPTED)
                    .orElse(true)) {
                throw e;
            }
        }
    }
}
