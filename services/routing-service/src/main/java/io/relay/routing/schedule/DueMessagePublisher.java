package io.relay.routing.schedule;

import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.RoutingProperties;
import io.relay.routing.customer.PreferenceAnswer;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.route.CapStore;
import io.relay.routing.route.Dispatcher;
import io.relay.routing.route.Due;
import io.relay.routing.route.Router;
import io.relay.routing.timeline.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private final Recovery recovery;
    private final CapStore caps;
    private Instant nextRedrive = Instant.MIN;
    private final int workerCount;
    private volatile boolean running;
    private final List<Thread> workers = new ArrayList<>();

    public DueMessagePublisher(
            MessageStore store,
            ScheduleStore schedule,
            io.relay.routing.erase.Retention retention,
            Dispatcher dispatcher,
            Router router,
            TransactionTemplate tx,
            Clock clock,
            io.relay.routing.metrics.MessageMetrics metrics,
            RoutingProperties settings,
            Recovery recovery,
            CapStore caps) {
        this.caps = caps;
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
        this.workerCount = settings.scheduler().workers();
        this.recovery = recovery;
    }

    private static final Duration REDRIVE_EVERY = Duration.ofSeconds(10);

    /** Publishes one batch of due messages; returns how many rows it handled. */
    public int publishDue() {
        List<StoredMessage> dispatched = new ArrayList<>();
        Instant now = clock.instant();
        Integer handled = tx.execute(status -> {
            List<StoredMessage> due = schedule.claimDue(now, batchSize);
            // the customers' word as it is now, asked at once for the whole batch
            var answers =
                    router.askAll(due.stream().filter(m -> !expired(m, now)).toList());
            caps.lockAll(answers.entrySet().stream()
                    .filter(a -> a.getValue() instanceof PreferenceAnswer.Known known
                            && known.choices().frequencyCap() != null)
                    .map(Map.Entry::getKey)
                    .toList());
            List<StoredMessage> sending = new ArrayList<>();
            List<CompletableFuture<Void>> confirms = new ArrayList<>();
            for (StoredMessage message : due) {
                Due decided = expired(message, now)
                        ? new Due.End(
                                Status.EXPIRED,
                                "expiresAt " + message.request().expiresAt() + " passed while it waited")
                        : router.redecide(message, now, answers.get(Router.question(message)));
                switch (decided) {
                    case Due.End end ->
                        store.advanceFrom(
                                message.tenantId(),
                                message.id(),
                                List.of(Status.SCHEDULED),
                                end.status(),
                                null,
                                List.of(new TimelineEntry(now, end.status().wireName(), null, end.reason())));
                    case Due.Hold hold ->
                        store.advanceFrom(
                                message.tenantId(),
                                message.id(),
                                List.of(Status.SCHEDULED),
                                Status.SCHEDULED,
                                hold.channel(),
                                List.of(new TimelineEntry(now, "scheduled", hold.channel(), hold.reason())),
                                hold.route());
                    case Due.Send send
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
                    case Due.Send send -> {
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
                    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)), Dispatcher.CONFIRM_TIMEOUT);
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

    /** One worker's round after round; only the first also re-drives, reconciles and purges. */
    private void loop(boolean housekeeping) {
        while (running) {
            try {
                while (running && publishDue() == batchSize) {
                    // a full batch: more may be due right now
                }
                Instant now = clock.instant();
                // due, or the clock was set back (a step of the machine's clock, a test) past the last round
                if (housekeeping
                        && running
                        && (!now.isBefore(nextRedrive) || now.isBefore(nextRedrive.minus(REDRIVE_EVERY)))) {
                    boolean more = recovery.redriveStalled() == Recovery.BATCH;
                    more |= recovery.reconcileUnanswered() == Recovery.BATCH;
                    more |= recovery.endUnrouted() == Recovery.BATCH;
                    retention.purge(clock.instant());
                    // a full batch: more may be waiting, so the next round comes at once
                    // counted from the round's start: a clock moved on while the round ran (a test's,
                    // or a slow round) must not push the next round past what is due by then
                    nextRedrive = more ? Instant.MIN : now.plus(REDRIVE_EVERY);
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

    /**
     * {@code relay.scheduler.workers} workers: each claims its own batch ({@code SKIP LOCKED}), so a burst
     * of due messages is decided and published on as many cores at once, as replicas would.
     */
    @Override
    public void start() {
        running = true;
        for (int i = 0; i < workerCount; i++) {
            boolean first = i == 0;
            workers.add(Thread.ofVirtual().name("scheduler-" + i).start(() -> loop(first)));
        }
    }

    @Override
    public void stop() {
        running = false;
        try {
            for (Thread worker : workers) {
                worker.join(Duration.ofSeconds(15)); // finishes the batch in hand
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.clear();
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
