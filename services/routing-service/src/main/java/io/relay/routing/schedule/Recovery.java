package io.relay.routing.schedule;

import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.RoutingProperties;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.route.Dispatcher;
import io.relay.routing.timeline.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The scheduler's rounds for messages that went missing on the way: accepted but never routed (the
 * re-drive, and the end of one its re-drive could not route) and dispatched but never answered (the
 * reconciliation). {@link DueMessagePublisher} runs
 * them every 10 s, at most {@value #BATCH} of each at a time.
 */
@Component
public class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);
    static final int BATCH = 100;

    private final ScheduleStore schedule;
    private final MessageStore store;
    private final Dispatcher dispatcher;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration stalledAfter;
    private final Duration deliveryMaxAge;
    private final Duration reconcileGrace;

    public Recovery(
            ScheduleStore schedule,
            MessageStore store,
            Dispatcher dispatcher,
            TransactionTemplate tx,
            Clock clock,
            RoutingProperties settings) {
        this.schedule = schedule;
        this.store = store;
        this.dispatcher = dispatcher;
        this.tx = tx;
        this.clock = clock;
        this.stalledAfter = settings.scheduler().redriveAfter();
        this.deliveryMaxAge = settings.scheduler().deliveryMaxAge();
        this.reconcileGrace = settings.scheduler().reconcileGrace();
    }

    /**
     * The recovery for an accepted message that never reached routing: stored, then the process died
     * before the broker confirmed its {@code message.accepted} (the caller got no 202, but may retry
     * with its Idempotency-Key and be told it was accepted), or the broker lost it. A message still
     * {@code accepted} with no change for {@code relay.scheduler.redrive-after} (5 minutes) gets its
     * {@code message.accepted} published again, once, at most {@value #BATCH} every 10 s.
     * Routing a message twice is harmless: it moves on from {@code accepted} only once, and a channel
     * service drops a dispatch it already sent. Returns how many were published again.
     */
    public int redriveStalled() {
        Instant now = clock.instant();
        Integer redriven = tx.execute(status -> {
            List<StoredMessage> stalled = schedule.claimStalledAccepted(now.minus(stalledAfter), BATCH);
            List<CompletableFuture<Void>> confirms = new ArrayList<>();
            for (StoredMessage message : stalled) {
                confirms.add(dispatcher.publishAccepted(
                        message.tenantId(),
                        message.id(),
                        message.request().customerId(),
                        message.request().category(),
                        message.traceparent(),
                        now));
            }
            ConfirmingPublisher.await(
                    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)), Dispatcher.CONFIRM_TIMEOUT);
            schedule.markRedriven(stalled, now);
            return stalled.size();
        });
        if (redriven != null && redriven > 0) {
            log.warn(
                    "published message.accepted again for {} messages accepted but not routed for {}",
                    redriven,
                    stalledAfter);
        }
        return redriven == null ? 0 : redriven;
    }

    /**
     * Every message ends, also one that cannot be routed: still {@code accepted}, with no change since
     * its re-drive, as long after it as a dispatch may wait for its channel (DELIVERY_MAX_AGE plus
     * {@code relay.scheduler.reconcile-grace}), it ends {@code failed} with the reason, and the business's
     * webhook hears it. Its {@code message.accepted} may still be parked; routed later, it finds the
     * message ended.
     */
    public int endUnrouted() {
        Instant now = clock.instant();
        Duration budget = deliveryMaxAge.plus(reconcileGrace);
        Integer ended = tx.execute(status -> {
            List<StoredMessage> unrouted = schedule.claimUnrouted(now.minus(budget), BATCH);
            for (StoredMessage message : unrouted) {
                store.advanceFrom(
                        message.tenantId(),
                        message.id(),
                        List.of(Status.ACCEPTED),
                        Status.FAILED,
                        null,
                        List.of(new TimelineEntry(
                                now, "failed", null, "not routed within " + budget + " of its re-drive")));
            }
            return unrouted.size();
        });
        if (ended != null && ended > 0) {
            log.warn("{} accepted messages not routed within {} of their re-drive: ended failed", ended, budget);
        }
        return ended == null ? 0 : ended;
    }

    /**
     * Every message ends: one still {@code dispatched} when its channel service should long have
     * answered (DELIVERY_MAX_AGE, the channel's own budget, plus {@code relay.scheduler.reconcile-grace})
     * is reported failed as its channel would, once, so it falls back where the customer allows or ends
     * {@code failed}, and the business's webhook hears it.
     */
    public int reconcileUnanswered() {
        Instant now = clock.instant();
        Duration budget = deliveryMaxAge.plus(reconcileGrace);
        Integer reported = tx.execute(status -> {
            List<StoredMessage> unanswered = schedule.claimUnanswered(now.minus(budget), BATCH);
            List<CompletableFuture<Void>> confirms = new ArrayList<>();
            for (StoredMessage message : unanswered) {
                confirms.add(dispatcher.publishUnanswered(
                        message, "no answer from the " + message.channel() + " service within " + budget, now));
            }
            ConfirmingPublisher.await(
                    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)), Dispatcher.CONFIRM_TIMEOUT);
            schedule.markReconciled(unanswered, now);
            return unanswered.size();
        });
        if (reported != null && reported > 0) {
            log.warn("{} dispatched messages unanswered for {}: reported failed", reported, budget);
        }
        return reported == null ? 0 : reported;
    }
}
