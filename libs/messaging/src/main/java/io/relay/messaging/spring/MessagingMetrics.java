package io.relay.messaging.spring;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.relay.messaging.ConsumerObserver;
import io.relay.messaging.QueueSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code relay_consumer_messages_total{queue,outcome}} for every settled message, and
 * {@code relay_queue_messages{queue}}: ready messages in each consumed queue and its retry and parking
 * queues, read from the broker every {@code interval} (a scrape never waits on the broker).
 */
final class MessagingMetrics implements ConsumerObserver {

    private static final Logger log = LoggerFactory.getLogger(MessagingMetrics.class);

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> depths = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("queue-depth").daemon().factory());

    MessagingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void outcome(String queue, Outcome outcome) {
        counters.computeIfAbsent(
                        queue + '/' + outcome,
                        k -> Counter.builder("relay.consumer.messages")
                                .description("Messages a consumer settled, by outcome")
                                .tag("queue", queue)
                                .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                                .register(registry))
                .increment();
    }

    /** Starts polling the depth of these queues (each with its retry and parking queue). */
    synchronized void watch(Connection connection, List<QueueSpec> specs, Duration interval) {
        if (!depths.isEmpty()) {
            return; // already watching (a lifecycle restart)
        }
        List<String> queues = specs.stream()
                .flatMap(s -> java.util.stream.Stream.of(s.name(), s.retryQueue(), s.parkingQueue()))
                .distinct()
                .toList();
        for (String queue : queues) {
            AtomicLong depth = depths.computeIfAbsent(queue, q -> new AtomicLong(-1));
            Gauge.builder("relay.queue.messages", depth, d -> d.get() < 0 ? Double.NaN : d.get())
                    .description("Ready messages in the queue, polled from the broker")
                    .tag("queue", queue)
                    .register(registry);
        }
        poller.scheduleWithFixedDelay(() -> poll(connection, queues), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll(Connection connection, List<String> queues) {
        if (!connection.isOpen()) {
            return;
        }
        try (Channel channel = connection.createChannel()) {
            for (String queue : queues) {
                depths.get(queue).set(channel.messageCount(queue));
            }
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            log.debug("could not read queue depths: {}", e.toString());
        }
    }
}
