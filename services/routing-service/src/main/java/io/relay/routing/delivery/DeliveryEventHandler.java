package io.relay.routing.delivery;

import io.relay.contracts.Envelope;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.EnvelopeHandler;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.route.Dispatcher;
import io.relay.routing.route.Router;
import io.relay.routing.timeline.GroupCommit;
import io.relay.routing.timeline.MessageStore;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Puts what a channel service saw onto the message's timeline; repeats and late arrivals are no-ops.
 * A permanent failure moves the message on to the customer's next channel (fallback).
 */
@Component
public class DeliveryEventHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEventHandler.class);

    private final MessageStore store;
    private final GroupCommit commits;
    private final DeliveryStates states;
    private final Router router;
    private final Dispatcher dispatcher;
    private final Clock clock;
    private final io.relay.routing.metrics.MessageMetrics metrics;

    public DeliveryEventHandler(
            MessageStore store,
            GroupCommit commits,
            DeliveryStates states,
            Router router,
            Dispatcher dispatcher,
            Clock clock,
            io.relay.routing.metrics.MessageMetrics metrics) {
        this.store = store;
        this.commits = commits;
        this.states = states;
        this.router = router;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        DeliveryEvent event = (DeliveryEvent) envelope.payload();
        if (event.status() != DeliveryEvent.Status.FAILED && recorded(envelope.tenantId(), event)) {
            return;
        }
        Optional<DeliveryStates.State> found = states.find(envelope.tenantId(), event.messageId());
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
                redispatch(envelope, event);
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
            fallBack(envelope, event, message);
            return;
        }
        log.debug("{} on {} already recorded or superseded", event.status().wireName(), event.channel());
    }

    /** The common case, in one statement: sent, delivered or expired on the message's current channel. */
    private boolean recorded(String tenantId, DeliveryEvent event) {
        Status to = switch (event.status()) {
            case SENT -> Status.SENT;
            case DELIVERED -> Status.DELIVERED;
            case EXPIRED -> Status.EXPIRED;
            case FAILED -> throw new IllegalStateException("a failure falls back");
        };
        TimelineEntry entry = new TimelineEntry(event.at(), to.wireName(), event.channel(), reason(event));
        Optional<java.time.Instant> due =
                commits.run(() -> store.advanceOn(tenantId, event.messageId(), to, event.channel(), entry));
        if (due.isPresent() && to == Status.SENT) {
            metrics.sent(due.get(), event.channel(), event.at());
        }
        return due.isPresent();
    }

    private void redispatch(Envelope<Object> envelope, DeliveryEvent event) {
        StoredMessage message =
                store.find(envelope.tenantId(), event.messageId()).orElseThrow();
        dispatcher.publishAgain(message, envelope.traceparent(), clock.instant());
        log.info("failure on {} repeated: the dispatch on {} published again", event.channel(), message.channel());
    }

    /** A permanent failure on this channel: record it and route again, past every channel tried. */
    private void fallBack(Envelope<Object> envelope, DeliveryEvent event, DeliveryStates.State message) {
        TimelineEntry failure = new TimelineEntry(event.at(), "failed", event.channel(), reason(event));
        boolean reopened = store.reopenAfterFailure(envelope.tenantId(), event.messageId(), event.channel(), failure);
        // reopened now, or reopened by an earlier attempt of this same event that then could not route
        boolean pending =
                message.status() == Status.ACCEPTED && message.triedChannels().contains(event.channel());
        if (reopened || pending) {
            StoredMessage again =
                    store.find(envelope.tenantId(), event.messageId()).orElseThrow();
            router.route(again, envelope.traceparent(), clock.instant());
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
