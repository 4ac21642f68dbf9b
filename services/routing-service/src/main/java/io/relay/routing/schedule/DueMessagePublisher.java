package io.relay.routing.schedule;

import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.RoutingProperties;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.route.Dispatcher;
import io.relay.routing.route.Router;
import io.relay.routing.timeline.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable scheduler. Scheduled messages are rows in PostgreSQL (status {@code scheduled},
 * {@code scheduled_for}); every poll locks a batch of due rows with {@code FOR UPDATE SKIP LOCKED},
 * so replicas share the work and never take the same row, re-checks expiry and the frequency cap,
 * publishes the dispatches, waits for the broker's confirms and only then marks them dispatched and
 * commits. A crash before the commit releases the rows to the next poll (the channel services drop a
 * dispatch they already sent); nothing lives only in memory.
 */
@Component
public class DueMessagePublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DueMessagePublisher.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final MessageStore store;
    private final Dispatcher dispatcher;
    private final Router router;
    private final ScheduleStore schedule;
    private final io.relay.routing.erase.Retention retention;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final io.relay.routing.metrics.MessageMetrics metrics;
    private final Duration pollInterval;
    private final int batchSize;
    private final Duration stalledAfter;
    private final Duration deliveryMaxAge;
    private final Duration reconcileGrace;
    private Instant nextRedrive = Instant.MIN;
    private volatile boolean running;
    private Thread worker;

    public DueMessagePublisher(
            MessageStore store,
            ScheduleStore schedule,
            io.relay.routing.erase.Retention retention,
            Dispatcher dispatcher,
            Router router,
            TransactionTemplate tx,
            Clock clock,
            io.relay.routing.metrics.MessageMetrics metrics,
            RoutingProperties settings) {
        this.store = store;
        this.schedule = schedule;
        this.retention = retention;
        this.dispatcher = dispatcher;
        this.router = router;
        this.tx = tx;
        this.clock = clock;
        this.metrics = metrics;
        this.pollInterval = settings.scheduler().pollInterval();
        this.batchSize = settings.scheduler().batchSize();
        this.stalledAfter = settings.scheduler().redriveAfter();
        this.deliveryMaxAge = settings.scheduler().deliveryMaxAge();
        this.reconcileGrace = settings.scheduler().reconcileGrace();
    }

    private static final int REDRIVE_BATCH = 100;
    private static final Duration REDRIVE_EVERY = Duration.ofSeconds(10);

    /**
     * The recovery for an accepted message that never reached routing: stored, then the process died
     * before the broker confirmed its {@code message.accepted} (the caller got no 202, but may retry
     * with its Idempotency-Key and be told it was accepted), or the broker lost it. A message still
     * {@code accepted} with no change for {@code relay.scheduler.redrive-after} (5 minutes) gets its
     * {@code message.accepted} published again, once, at most {@value #REDRIVE_BATCH} every 10 s.
     * Routing a message twice is harmless: it moves on from {@code accepted} only once, and a channel
     * service drops a dispatch it already sent. Returns how many were published again.
     */
    public int redriveStalled() {
        Instant now = clock.instant();
        Integer redriven = tx.execute(status -> {
            List<StoredMessage> stalled = schedule.claimStalledAccepted(now.minus(stalledAfter), REDRIVE_BATCH);
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
                    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)), CONFIRM_TIMEOUT);
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
     * Every message ends: one still {@code dispatched} when its channel service should long have
     * answered (DELIVERY_MAX_AGE, the channel's own budget, plus {@code relay.scheduler.reconcile-grace})
     * is reported failed as its channel would, once, so it falls back where the customer allows or ends
     * {@code failed}, and the business's webhook hears it.
     */
    public int reconcileUnanswered() {
        Instant now = clock.instant();
        Duration budget = deliveryMaxAge.plus(reconcileGrace);
        Integer reported = tx.execute(status -> {
            List<StoredMessage> unanswered = schedule.claimUnanswered(now.minus(budget), REDRIVE_BATCH);
            List<CompletableFuture<Void>> confirms = new ArrayList<>();
            for (StoredMessage message : unanswered) {
                confirms.add(dispatcher.publishUnanswered(
                        message, "no answer from the " + message.channel() + " service within " + budget, now));
            }
            ConfirmingPublisher.await(
                    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)), CONFIRM_TIMEOUT);
            schedule.markReconciled(unanswered, now);
            return unanswered.size();
        });
        if (reported != null && reported > 0) {
            log.warn("{} dispatched messages unanswered for {}: reported failed", reported, budget);
        }
        return reported == null ? 0 : reported;
    }

    /** Publishes one batch of due messages; returns how many rows it handled. */
    public int publishDue() {
        List<StoredMessage> dispatched = new ArrayList<>();
        Instant now = clock.instant();
        Integer handled = tx.execute(status -> {
            List<StoredMessage> due = schedule.claimDue(now, batchSize);
            // the customers' word as it is now, asked at once for the whole batch
            var answers =
                    router.askAll(due.stream().filter(m -> !expired(m, now)).toList());
            List<StoredMessage> sending = new ArrayList<>();
            List<CompletableFuture<Void>> confirms = new ArrayList<>();
            for (StoredMessage message : due) {
                Router.Due decided = expired(message, now)
                        ? new Router.Due.End(
                                Status.EXPIRED,
                                "expiresAt " + message.request().expiresAt() + " passed while it waited")
                        : router.redecide(message, now, answers.get(Router.question(message)));
                switch (decided) {
                    case Router.Due.End end ->
                        store.advanceFrom(
                                message.tenantId(),
                                message.id(),
                                List.of(Status.SCHEDULED),
                                end.status(),
                                null,
                                List.of(new TimelineEntry(now, end.status().wireName(), null, end.reason())));
                    case Router.Due.Hold hold ->
                        store.advanceFrom(
                                message.tenantId(),
                                message.id(),
                                List.of(Status.SCHEDULED),
                                Status.SCHEDULED,
                                hold.channel(),
                                List.of(new TimelineEntry(now, "scheduled", hold.channel(), hold.reason())),
                                hold.route());
                    case Router.Due.Send send
                    when send.change() == null -> {
                        if (send.route().capMax() != null) {
                            // counted before the next capped message is checked, so one batch cannot overshoot a cap
                            schedule.markDispatched(message.tenantId(), message.id(), now);
                        }
                        sending.add(message);
                        // in the trace the message was accepted in, however long ago
                        confirms.add(dispatcher.publish(
                                message, message.channel(), message.addresses(), message.traceparent(), now));
                    }
                    case Router.Due.Send send -> {
                        // another channel or address than when it was scheduled: moved on its own, with the reason
                        store.advanceFrom(
                                message.tenantId(),
                                message.id(),
                                List.of(Status.SCHEDULED),
                                Status.DISPATCHED,
                                send.channel(),
                                List.of(send.change(), new TimelineEntry(now, "dispatched", send.channel(), null)),
                                send.route());
                        confirms.add(dispatcher.publish(
                                message.routed(Status.DISPATCHED, send.channel(), send.route()),
                                send.channel(),
                                send.addresses(),
                                message.traceparent(),
                                now));
                    }
                }
            }
            ConfirmingPublisher.await(
                    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)), CONFIRM_TIMEOUT);
            schedule.dispatchScheduled(sending, now);
            dispatched.addAll(sending);
            return due.size();
        });
        // after the commit: a rolled-back batch is published again and measured then
        dispatched.forEach(m -> metrics.schedulerLag(Duration.between(m.scheduledFor(), now)));
        return handled == null ? 0 : handled;
    }

    private static boolean expired(StoredMessage message, Instant now) {
        Instant expiresAt = message.request().expiresAt();
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    private void loop() {
        while (running) {
            try {
                while (running && publishDue() == batchSize) {
                    // a full batch: more may be due right now
                }
                Instant now = clock.instant();
                // due, or the clock was set back (a step of the machine's clock, a test) past the last round
                if (running && (!now.isBefore(nextRedrive) || now.isBefore(nextRedrive.minus(REDRIVE_EVERY)))) {
                    boolean more = redriveStalled() == REDRIVE_BATCH;
                    more |= reconcileUnanswered() == REDRIVE_BATCH;
                    retention.purge(clock.instant());
                    // a full batch: more may be waiting, so the next round comes at once
                    nextRedrive = more ? Instant.MIN : clock.instant().plus(REDRIVE_EVERY);
                }
                Thread.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("scheduler poll failed, retrying: {}", e.toString());
                try {
                    Thread.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        running = true;
        worker = Thread.ofVirtual().name("scheduler").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            try {
                worker.join(Duration.ofSeconds(15)); // finishes the batch in hand
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the broker connection and consumers are up; stopped before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 200;
    }
}
