package io.relay.routing.route;

import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.timeline.GroupCommit;
import io.relay.routing.timeline.MessageStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A message is routed in the request that accepted it, and stored already routed: one insert of its
 * row and its timeline, no update of the row just written, no hop through {@code message.accepted},
 * and no waiting on a frequency cap another transaction is counting. Whatever stops that (that cap,
 * preference-service not answering, the broker not confirming the dispatch) leaves the message where
 * the queue's consumer or the scheduler's redrive picks it up: it is handed to {@code message.accepted},
 * whose consumer retries and parks as it always did.
 */
@Component
public class FirstRoute {

    private static final Logger log = LoggerFactory.getLogger(FirstRoute.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private final Router router;
    private final Dispatcher dispatcher;
    private final MessageStore store;
    private final GroupCommit commits;

    public FirstRoute(Router router, Dispatcher dispatcher, MessageStore store, GroupCommit commits) {
        this.router = router;
        this.dispatcher = dispatcher;
        this.store = store;
        this.commits = commits;
    }

    /**
     * The route of a message not yet stored, on its customer's word asked now; nothing is written. A
     * hand-off when preference-service cannot answer.
     */
    public Plan plan(StoredMessage pending, Instant now) {
        try {
            return router.plan(pending, router.ask(pending), now);
        } catch (RuntimeException e) {
            log.info("not routed at acceptance, handed to message.accepted: {}", e.toString());
            return new Plan.HandOff();
        }
    }

    /** Whether {@link #store} must run in a transaction: a capped dispatch is counted under the cap's lock. */
    public static boolean locks(Plan plan) {
        return plan instanceof Plan.Dispatch dispatch && dispatch.capped();
    }

    /**
     * Stores the message as planned, in one statement, and returns what was stored. A capped dispatch is
     * counted again under the cap's lock first (call it in a transaction then, see {@link #locks}): it
     * ends suppressed when the cap is reached, and is handed off when another transaction holds the lock.
     */
    public Plan store(StoredMessage pending, Plan plan, Instant now) {
        Plan stored = plan;
        if (plan instanceof Plan.Dispatch dispatch && dispatch.capped()) {
            try {
                stored = router.underCap(pending, dispatch, now, false);
            } catch (CapBusy e) {
                stored = new Plan.HandOff();
            }
        }
        Plan planned = stored;
        // committed with the other requests' messages (in this request's transaction when it has one)
        commits.run(() -> {
            store.insert(pending, planned.status(), planned.channel(), planned.entries(), planned.route());
            return null;
        });
        return stored;
    }

    /**
     * Publishes what the stored message needs: its dispatch, or its hand-off to {@code message.accepted}
     * (also when the broker does not confirm the dispatch). When the broker confirms neither after the
     * message was recorded as dispatched, its dispatch may or may not be in a queue: the message goes
     * back to {@code accepted}, for the scheduler's re-drive to route it again (a channel service drops a
     * dispatch it already sent), and the caller still hears 202.
     *
     * @throws ConfirmingPublisher.PublishException only when nothing went out: the message is still
     *     {@code accepted}, so it may be forgotten and the caller told so. A message that moved on
     *     meanwhile (its unconfirmed dispatch was sent after all) is on its way: no throw.
     */
    public void send(StoredMessage pending, Plan stored, String traceparent, Instant now) {
        if (stored instanceof Plan.Dispatch dispatch) {
            try {
                ConfirmingPublisher.await(dispatcher.publish(pending, dispatch, traceparent, now), CONFIRM_TIMEOUT);
                return;
            } catch (RuntimeException e) {
                log.info("dispatch not confirmed at acceptance, handed to message.accepted: {}", e.toString());
            }
        } else if (!(stored instanceof Plan.HandOff)) {
            return; // scheduled, or ended: nothing to publish
        }
        handOff(pending, traceparent, now);
    }

    private void handOff(StoredMessage message, String traceparent, Instant now) {
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
