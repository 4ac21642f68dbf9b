package io.relay.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A consumer's queue and its safety nets: where it is bound, how long a failed message waits before
 * its next attempt, how many attempts it gets, and how often the broker may redeliver it (crashes,
 * nacks) before it is parked.
 *
 * @param name the work queue; {@code name.retry} and {@code name.parking} are derived from it
 * @param exchange topic exchange the queue is bound to
 * @param bindingKeys routing keys bound to the queue
 * @param retryDelay how long a failed message waits in the retry queue
 * @param maxAttempts attempts (first one included) before a transient failure is parked
 * @param deliveryLimit broker redeliveries (crash, nack) before the broker parks the message
 * @param prefetch unacknowledged messages one consumer channel may hold
 * @param concurrency consumer channels working the queue in parallel
 */
public record QueueSpec(
        String name,
        String exchange,
        List<String> bindingKeys,
        Duration retryDelay,
        int maxAttempts,
        int deliveryLimit,
        int prefetch,
        int concurrency) {

    public QueueSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(exchange, "exchange");
        bindingKeys = List.copyOf(bindingKeys);
        if (maxAttempts < 1 || deliveryLimit < 1 || prefetch < 1 || concurrency < 1) {
            throw new IllegalArgumentException("attempts, delivery limit, prefetch and concurrency must be positive");
        }
        if (retryDelay.isNegative() || retryDelay.isZero()) {
            throw new IllegalArgumentException("retryDelay must be positive");
        }
    }

    /** Defaults that suit a service's work queue; tune with the {@code with*} methods. */
    public static QueueSpec of(String name, String exchange, String... bindingKeys) {
        return new QueueSpec(name, exchange, List.of(bindingKeys), Duration.ofSeconds(5), 5, 10, 20, 2);
    }

    public QueueSpec withRetryDelay(Duration delay) {
        return new QueueSpec(name, exchange, bindingKeys, delay, maxAttempts, deliveryLimit, prefetch, concurrency);
    }

    public QueueSpec withMaxAttempts(int attempts) {
        return new QueueSpec(name, exchange, bindingKeys, retryDelay, attempts, deliveryLimit, prefetch, concurrency);
    }

    public QueueSpec withDeliveryLimit(int limit) {
        return new QueueSpec(name, exchange, bindingKeys, retryDelay, maxAttempts, limit, prefetch, concurrency);
    }

    public QueueSpec withPrefetch(int count) {
        return new QueueSpec(name, exchange, bindingKeys, retryDelay, maxAttempts, deliveryLimit, count, concurrency);
    }

    public QueueSpec withConcurrency(int consumers) {
        return new QueueSpec(name, exchange, bindingKeys, retryDelay, maxAttempts, deliveryLimit, prefetch, consumers);
    }

    public String retryQueue() {
        return name + ".retry";
    }

    public String parkingQueue() {
        return name + ".parking";
    }
}
