package io.relay.messaging.spring;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.QueueSpec;
import io.relay.messaging.TopologyDeclarer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.springframework.context.SmartLifecycle;

/**
 * Starts consumers once the application is up and, on shutdown, stops them before anything they
 * depend on: no new deliveries, work in progress finishes and is acknowledged.
 */
public final class ConsumerLifecycle implements SmartLifecycle {

    private final Connection connection;
    private final List<QueueSpec> published;
    private final List<QueueConsumer> consumers;
    private final Duration shutdownTimeout;
    private final MessagingMetrics metrics;
    private final Duration depthInterval;
    private volatile boolean running;

    ConsumerLifecycle(
            Connection connection,
            List<QueueSpec> published,
            List<QueueConsumer> consumers,
            Duration shutdownTimeout,
            MessagingMetrics metrics,
            Duration depthInterval) {
        this.connection = connection;
        this.published = List.copyOf(published);
        this.consumers = consumers;
        this.shutdownTimeout = shutdownTimeout;
        this.metrics = metrics;
        this.depthInterval = depthInterval;
    }

    @Override
    public void start() {
        try (Channel channel = connection.createChannel()) {
            for (QueueSpec spec : published) {
                TopologyDeclarer.declare(channel, spec);
            }
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("could not declare the queues this service publishes to", e);
        }
        for (QueueConsumer consumer : consumers) {
            try {
                consumer.start(connection);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "could not start consuming " + consumer.spec().name(), e);
            }
        }
        if (metrics != null && !consumers.isEmpty()) {
            metrics.watch(
                    connection, consumers.stream().map(QueueConsumer::spec).toList(), depthInterval);
        }
        running = true;
    }

    @Override
    public void stop() {
        consumers.parallelStream().forEach(c -> c.stop(shutdownTimeout));
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Late start, early stop: after the web server on start, before it on shutdown. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
