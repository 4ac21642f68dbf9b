package io.relay.messaging.spring;

import com.rabbitmq.client.Connection;
import io.relay.messaging.QueueConsumer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.springframework.context.SmartLifecycle;

/**
 * Starts consumers once the application is up and, on shutdown, stops them before anything they
 * depend on: no new deliveries, work in progress finishes and is acknowledged.
 */
public final class ConsumerLifecycle implements SmartLifecycle {

    private final Connection connection;
    private final List<QueueConsumer> consumers;
    private final Duration shutdownTimeout;
    private volatile boolean running;

    ConsumerLifecycle(Connection connection, List<QueueConsumer> consumers, Duration shutdownTimeout) {
        this.connection = connection;
        this.consumers = consumers;
        this.shutdownTimeout = shutdownTimeout;
    }

    @Override
    public void start() {
        for (QueueConsumer consumer : consumers) {
            try {
                consumer.start(connection);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "could not start consuming " + consumer.spec().name(), e);
            }
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
