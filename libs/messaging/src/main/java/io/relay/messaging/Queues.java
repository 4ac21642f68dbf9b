package io.relay.messaging;

import static io.relay.contracts.Topology.EVENTS_EXCHANGE;

import io.relay.contracts.Topology;
import java.time.Duration;
import java.util.List;

/**
 * Every work queue of the platform with its safety nets. Producer and consumer declare a queue from
 * the same spec here, so their arguments always match and a message published before its consumer
 * first started is kept, not returned.
 */
public final class Queues {

    /** Routing waits for preference-service rather than guessing: many slow attempts. */
    public static final QueueSpec ROUTING_ACCEPTED = QueueSpec.of(
                    Topology.QUEUE_ROUTING_ACCEPTED, EVENTS_EXCHANGE, Topology.KEY_MESSAGE_ACCEPTED)
            .withRetryDelay(Duration.ofSeconds(10))
            .withMaxAttempts(30);

    /** What a channel service declares, so its events wait while routing is down: single events. */
    public static final QueueSpec ROUTING_DELIVERY =
            QueueSpec.of(Topology.QUEUE_ROUTING_DELIVERY, EVENTS_EXCHANGE, Topology.KEY_DELIVERY_PREFIX + "#");

    /**
     * Several delivery events a message ({@code deliveries.#}), in a queue of their own: only a routing
     * that reads batches declares and consumes it, so until one has run a channel's batch comes back
     * unroutable and its events go one by one, and a replica of an older routing, beside newer ones or
     * after a rollback, is never handed one it cannot read.
     */
    public static final QueueSpec ROUTING_DELIVERY_BATCHES = QueueSpec.of(
            Topology.QUEUE_ROUTING_DELIVERY_BATCHES, EVENTS_EXCHANGE, Topology.KEY_DELIVERIES_PREFIX + "#");

    /** Erasures and changes of a customer's choices, both of which end what waits for them. */
    public static final QueueSpec ROUTING_CUSTOMER =
            QueueSpec.of(Topology.QUEUE_ROUTING_CUSTOMER, EVENTS_EXCHANGE, Topology.KEY_CUSTOMER_EVENTS);

    /** A business's endpoint may be down for a while: 30 attempts, 10 s apart, then parked. */
    public static final QueueSpec ROUTING_WEBHOOKS = QueueSpec.of(
                    Topology.QUEUE_ROUTING_WEBHOOKS, EVENTS_EXCHANGE, Topology.KEY_STATUS_CHANGED)
            .withRetryDelay(Duration.ofSeconds(10))
            .withMaxAttempts(30);

    public static final QueueSpec PREFERENCE_CONTACT =
            QueueSpec.of(Topology.QUEUE_PREFERENCE_CONTACT, EVENTS_EXCHANGE, Topology.KEY_CONTACT_PREFIX + "#");

    public static final QueueSpec EMAIL_DISPATCH = QueueSpec.of(
                    Topology.QUEUE_EMAIL_DISPATCH, EVENTS_EXCHANGE, Topology.KEY_DISPATCH_EMAIL)
            .withRetryDelay(Duration.ofSeconds(10))
            .withMaxAttempts(10);

    /** A provider outage of minutes loses nothing: 24 attempts, 5 s apart, before parking. */
    public static final QueueSpec SMS_DISPATCH = QueueSpec.of(
                    Topology.QUEUE_SMS_DISPATCH, EVENTS_EXCHANGE, Topology.KEY_DISPATCH_SMS)
            .withMaxAttempts(24);

    public static final QueueSpec PUSH_DISPATCH = QueueSpec.of(
                    Topology.QUEUE_PUSH_DISPATCH, EVENTS_EXCHANGE, Topology.KEY_DISPATCH_PUSH)
            .withMaxAttempts(24);

    public static final List<QueueSpec> DISPATCH = List.of(EMAIL_DISPATCH, SMS_DISPATCH, PUSH_DISPATCH);

    /**
     * Where a channel's service hears of erasures ({@code customer.erased}): it drops that customer's
     * parked dispatches and whatever else it keeps about them.
     */
    public static QueueSpec erasures(io.relay.contracts.Channel channel) {
        return QueueSpec.of(channel.wireName() + ".customer-erased", EVENTS_EXCHANGE, Topology.KEY_CUSTOMER_ERASED);
    }

    /** The queue a channel's service takes its dispatches from. */
    public static QueueSpec dispatch(io.relay.contracts.Channel channel) {
        return switch (channel) {
            case EMAIL -> EMAIL_DISPATCH;
            case SMS -> SMS_DISPATCH;
            case PUSH -> PUSH_DISPATCH;
        };
    }

    private Queues() {}
}
