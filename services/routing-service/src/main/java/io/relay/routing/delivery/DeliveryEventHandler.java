package io.relay.routing.delivery;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.DeliveryBatch;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeHandler;
import io.relay.messaging.Queues;
import io.relay.messaging.TracingObserver;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.route.Dispatcher;
import io.relay.routing.route.Router;
import io.relay.routing.timeline.GroupCommit;
import io.relay.routing.timeline.MessageStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Puts what a channel service saw onto the message's timeline; repeats and late arrivals are no-ops.
 * A permanent failure moves the message on to the customer's next channel (fallback).
 */
@Component
public class DeliveryEventHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEventHandler.class);
    private static final java.time.Duration CONFIRM_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final MessageStore store;
    private final GroupCommit commits;
    private final DeliveryStates states;
    private final Router router;
    private final Dispatcher dispatcher;
    private final Clock clock;
    private final io.relay.routing.metrics.MessageMetrics metrics;
    /** each event of a batch in its own trace, as it would have been alone */
    private final TracingObserver tracing;
    /** hands a batch's event that failed back to the broker alone */
    private final ConfirmingPublisher publisher;

    public DeliveryEventHandler(
            MessageStore store,
            GroupCommit commits,
            DeliveryStates states,
            Router router,
            Dispatcher dispatcher,
            Clock clock,
            io.relay.routing.metrics.MessageMetrics metrics,
            ConfirmingPublisher publisher,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.observation.ObservationRegistry>
                    observations) {
        this.store = store;
        this.commits = commits;
        this.states = states;
        this.router = router;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.metrics = metrics;
        this.publisher = publisher;
        this.tracing = new TracingObserver(
                observations.getIfAvailable(() -> io.micrometer.observation.ObservationRegistry.NOOP));
    }

    @Override
    public void handle(Envelope<Object> envelope) throws Exception {
        if (envelope.payload() instanceof DeliveryBatch batch) {
            handle(envelope, batch);
            return;
        }
        DeliveryEvent event = (DeliveryEvent) envelope.payload();
        handle(envelope.tenantId(), envelope.traceparent(), event, record(envelope.tenantId(), event));
    }

    /**
     * A channel service's events of a few milliseconds: every event's common-case statement goes to the
     * group commit at once, so they commit together (up to {@code ROUTING_GROUP_COMMIT_MAX} a
     * transaction); then each event is finished in its own trace and log context, in order. An event
     * whose handling fails goes back to the broker alone, as the single event it would have been, with
     * its own retries and parking, so it holds up none of the others; only if that publish fails is
     * the whole batch retried, and its events already recorded change nothing the second time.
     */
    private void handle(Envelope<Object> envelope, DeliveryBatch batch) throws Exception {
        List<CompletableFuture<Optional<Instant>>> recordings =
                new ArrayList<>(batch.events().size());
        for (DeliveryBatch.Item item : batch.events()) {
            recordings.add(record(item.tenantId(), item.event()));
        }
        for (int i = 0; i < recordings.size(); i++) {
            DeliveryBatch.Item item = batch.events().get(i);
            CompletableFuture<Optional<Instant>> recording = recordings.get(i);
            Envelope<DeliveryEvent> alone = item.alone();
            MDC.put("messageId", alone.messageId());
            MDC.put("tenantId", alone.tenantId());
            try {
                tracing.around(
                        Queues.ROUTING_DELIVERY_BATCHES.name(),
                        alone,
                        () -> handle(item.tenantId(), item.traceparent(), item.event(), recording));
            } catch (Exception e) {
                log.warn(
                        "{} on {} failed in a batch, handed back alone: {}",
                        item.event().status().wireName(),
                        item.event().channel(),
                        e.toString());
                publisher.publishAndWait(Topology.EVENTS_EXCHANGE, item.routingKey(), alone, CONFIRM_TIMEOUT);
            } finally {
                MDC.put("messageId", envelope.messageId());
                MDC.put("tenantId", envelope.tenantId());
            }
        }
    }

    private void handle(
            String tenantId, String traceparent, DeliveryEvent event, CompletableFuture<Optional<Instant>> recording) {
        if (recording != null && recorded(event, GroupCommit.await(recording))) {
            return;
        }
        Optional<DeliveryStates.State> found = states.find(tenantId, event.messageId());
        if (found.isEmpty()) {
            log.warn("delivery event for a message this tenant does not have");
            return;
        }
        DeliveryStates.State message = found.get();
        if (!event.channel().equals(message.channel())) {
            if (event.status() == DeliveryEvent.Status.FAILED
                    && message.status() == Status.DISPATCHED
                    && message.triedChannels().contains(event.channel())) {
                // this failure moved the message on already, but the attempt that did may have ended before
                // the broker confirmed the next channel's dispatch: the same dispatch again (the channel
                // service drops one it already took), or the message would wait for the reconciliation
                redispatch(tenantId, traceparent, event);
                return;
            }
            log.info(
                    "{} on {} is about an earlier channel; the message moved on to {}",
                    event.status().wireName(),
                    event.channel(),
                    message.channel());
            return;
        }
        if (event.status() == DeliveryEvent.Status.FAILED) {
            fallBack(tenantId, traceparent, event, message);
            return;
        }
        log.debug("{} on {} already recorded or superseded", event.status().wireName(), event.channel());
    }

    /**
     * The common case, in one statement handed to the group commit: sent, delivered or expired on the
     * message's current channel. Null for a failure, which falls back.
     */
    private CompletableFuture<Optional<Instant>> record(String tenantId, DeliveryEvent event) {
        Status to = switch (event.status()) {
            case SENT -> Status.SENT;
            case DELIVERED -> Status.DELIVERED;
            case EXPIRED -> Status.EXPIRED;
            case FAILED -> null;
        };
        if (to == null) {
            return null;
        }
        TimelineEntry entry = new TimelineEntry(event.at(), to.wireName(), event.channel(), reason(event));
        return commits.submit(() -> store.advanceOn(tenantId, event.messageId(), to, event.channel(), entry));
    }

    /** Whether the statement moved the message; a message sent now is counted. */
    private boolean recorded(DeliveryEvent event, Optional<Instant> due) {
        if (due.isPresent() && event.status() == DeliveryEvent.Status.SENT) {
            metrics.sent(due.get(), event.channel(), event.at());
        }
        return due.isPresent();
    }

    private void redispatch(String tenantId, String traceparent, DeliveryEvent event) {
        StoredMessage message = store.find(tenantId, event.messageId()).orElseThrow();
        dispatcher.publishAgain(message, traceparent, clock.instant());
        log.info("failure on {} repeated: the dispatch on {} published again", event.channel(), message.channel());
    }

    /** A permanent failure on this channel: record it and route again, past every channel tried. */
    private void fallBack(String tenantId, String traceparent, DeliveryEvent event, DeliveryStates.State message) {
        TimelineEntry failure = new TimelineEntry(event.at(), "failed", event.channel(), reason(event));
        boolean reopened = store.reopenAfterFailure(tenantId, event.messageId(), event.channel(), failure);
        // reopened now, or reopened by an earlier attempt of this same event that then could not route
        boolean pending =
                message.status() == Status.ACCEPTED && message.triedChannels().contains(event.channel());
        if (reopened || pending) {
            StoredMessage again = store.find(tenantId, event.messageId()).orElseThrow();
            router.route(again, traceparent, clock.instant());
        } else {
            log.info("failure on {} already handled", event.channel());
        }
    }

    /** The timeline entry's words: the failure, or the provider's id; and the provider account, when named. */
    static String reason(DeliveryEvent event) {
        String via = event.provider() == null ? null : "via " + event.provider();
        if (event.status() == DeliveryEvent.Status.FAILED) {
            String failure = (event.code() == null ? "" : "[" + event.code() + "] ")
                    + (event.reason() == null ? "" : event.reason());
            return via == null ? failure : failure + " (" + via + ")";
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (event.providerMessageId() != null) {
            parts.add("provider id " + event.providerMessageId());
        }
        if (via != null) {
            parts.add(via);
        }
        if (event.reason() != null) {
            parts.add(event.reason()); // on sent: the accounts failed over on the way
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }
}
