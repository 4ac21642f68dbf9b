package io.relay.routing.route;

import io.relay.contracts.Channel;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.Appointment;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.contracts.payload.MessageAccepted;
import io.relay.contracts.payload.PushDispatch;
import io.relay.contracts.payload.SmsDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.message.MessageRequest;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * What routing publishes about a message: its {@code message.accepted}, and the channel's dispatch,
 * built from the stored message. The channel service sends exactly that dispatch; it renders nothing
 * of its own choosing.
 */
@Component
public class Dispatcher {

    /** How long routing waits for the broker to confirm a dispatch or a hand-off, where it waits. */
    public static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final ConfirmingPublisher publisher;

    public Dispatcher(ConfirmingPublisher publisher) {
        this.publisher = publisher;
    }

    /**
     * "Route this message": on acceptance, and again when a message stays {@code accepted} too long.
     * Completes when the broker has it.
     */
    public CompletableFuture<Void> publishAccepted(
            String tenantId, String id, String customerId, String category, String traceparent, Instant now) {
        return publisher.publish(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_MESSAGE_ACCEPTED,
                Envelope.of(id, tenantId, new MessageAccepted(id, customerId, category), traceparent, now));
    }

    /**
     * Reports, as its channel would, that a dispatched message failed: its channel service never
     * answered within the budget. Routing's own delivery handler then falls back or ends it.
     */
    public CompletableFuture<Void> publishUnanswered(StoredMessage message, String reason, Instant now) {
        DeliveryEvent failed = new DeliveryEvent(
                message.id(), message.channel(), DeliveryEvent.Status.FAILED, null, "no-answer", reason, now);
        return publisher.publish(
                Topology.EVENTS_EXCHANGE,
                Topology.deliveryKey(message.channel(), "failed"),
                Envelope.of(message.id(), message.tenantId(), failed, message.traceparent(), now));
    }

    /**
     * A dispatched message's dispatch again, as it was decided, and waits for the broker's confirm: for a
     * first publish that may not have reached a queue. The channel service drops one it already took.
     *
     * @throws ConfirmingPublisher.PublishException when the broker does not confirm it
     */
    public void publishAgain(StoredMessage dispatched, String traceparent, Instant now) {
        ConfirmingPublisher.await(
                publish(dispatched, dispatched.channel(), dispatched.addresses(), traceparent, now), CONFIRM_TIMEOUT);
    }

    /** The dispatch {@code plan} decided for a message {@code accepted} until now; completes when the broker has it. */
    CompletableFuture<Void> publish(StoredMessage accepted, Plan.Dispatch plan, String traceparent, Instant now) {
        return publish(
                accepted.routed(Status.DISPATCHED, plan.channel(), plan.route()),
                plan.channel(),
                plan.route().addresses(),
                traceparent,
                now);
    }

    /** Completes when the broker has the dispatch. */
    public CompletableFuture<Void> publish(
            StoredMessage message, String channel, List<String> addresses, String traceparent, Instant now) {
        MessageRequest request = message.request();
        MessageRequest.Content content = request.content();
        Appointment appointment = appointment(message);
        Channel to = Channel.of(channel);
        Object payload = switch (to) {
            case EMAIL ->
                new EmailDispatch(
                        message.id(),
                        request.customerId(),
                        request.category(),
                        addresses.getFirst(),
                        message.emailFrom(),
                        content.email().subject(),
                        content.email().text(),
                        content.email().html(),
                        appointment,
                        request.expiresAt(),
                        message.categoryKind());
            case SMS ->
                new SmsDispatch(
                        message.id(),
                        request.customerId(),
                        request.category(),
                        addresses.getFirst(),
                        message.smsFrom(),
                        content.sms().text(),
                        appointment,
                        request.expiresAt());
            case PUSH ->
                new PushDispatch(
                        message.id(),
                        request.customerId(),
                        request.category(),
                        addresses,
                        content.push().title(),
                        content.push().body(),
                        content.push().data(),
                        appointment,
                        request.expiresAt());
        };
        String key = Topology.dispatchKey(to);
        return publisher.publish(
                Topology.EVENTS_EXCHANGE,
                key,
                Envelope.of(message.id(), message.tenantId(), payload, traceparent, now));
    }

    private static Appointment appointment(StoredMessage message) {
        MessageRequest.Appointment a = message.request().appointment();
        if (a == null) {
            return null;
        }
        // stable across messages about the same appointment when the business names it
        String id = a.id() != null ? a.id() : message.id();
        return new Appointment(id, a.title(), a.start(), a.end(), a.location(), a.rescheduleUrl());
    }
}
