package io.relay.messaging;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;

/**
 * Declares exchanges and queues explicitly, the same way in tests, compose and Kubernetes. Every
 * queue is a durable quorum queue. A work queue dead-letters into its parking queue when the broker
 * has redelivered a message {@code deliveryLimit} times; its retry queue holds failed messages for
 * {@code retryDelay} and dead-letters them back into the work queue.
 */
public final class TopologyDeclarer {

    /** Direct exchange into which every work queue dead-letters, keyed by the work queue's name. */
    public static final String PARKING_EXCHANGE = "relay.parking";

    private TopologyDeclarer() {}

    public static void declareExchange(Channel channel, String exchange) throws IOException {
        channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
    }

    public static void declare(Channel channel, QueueSpec spec) throws IOException {
        declareExchange(channel, spec.exchange());
        channel.exchangeDeclare(PARKING_EXCHANGE, BuiltinExchangeType.DIRECT, true);

        channel.queueDeclare(spec.parkingQueue(), true, false, false, Map.of("x-queue-type", "quorum"));
        channel.queueBind(spec.parkingQueue(), PARKING_EXCHANGE, spec.name());

        channel.queueDeclare(
                spec.name(),
                true,
                false,
                false,
                Map.of(
                        "x-queue-type",
                        "quorum",
                        "x-delivery-limit",
                        spec.deliveryLimit(),
                        "x-dead-letter-exchange",
                        PARKING_EXCHANGE,
                        "x-dead-letter-routing-key",
                        spec.name(),
                        // at-least-once dead-lettering: a parked message is never dropped on the way
                        "x-dead-letter-strategy",
                        "at-least-once",
                        "x-overflow",
                        "reject-publish"));
        for (String key : spec.bindingKeys()) {
            channel.queueBind(spec.name(), spec.exchange(), key);
        }

        channel.queueDeclare(
                spec.retryQueue(),
                true,
                false,
                false,
                Map.of(
                        "x-queue-type", "quorum",
                        "x-message-ttl", spec.retryDelay().toMillis(),
                        "x-dead-letter-exchange", "",
                        "x-dead-letter-routing-key", spec.name(),
                        "x-dead-letter-strategy", "at-least-once",
                        "x-overflow", "reject-publish"));
    }
}
