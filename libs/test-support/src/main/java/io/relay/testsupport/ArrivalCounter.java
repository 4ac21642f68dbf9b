package io.relay.testsupport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For benchmarks: consumes a queue (auto-ack), counting what arrives and when the last message came,
 * so throughput can be measured from the first publish to the last arrival.
 */
public final class ArrivalCounter implements AutoCloseable {

    private final Channel channel;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong lastArrivalNanos = new AtomicLong();

    public ArrivalCounter(Connection connection, String queue) throws IOException {
        channel = connection.createChannel();
        channel.basicQos(1000);
        channel.basicConsume(queue, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                count.incrementAndGet();
                lastArrivalNanos.set(System.nanoTime());
            }
        });
    }

    /** Waits on the real clock (a benchmark measures wall time) until {@code expected} arrived or time ran out. */
    public int await(int expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (count.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return count.get();
    }

    /** {@link System#nanoTime()} when the last message arrived. */
    public long lastArrivalNanos() {
        return lastArrivalNanos.get();
    }

    @Override
    public void close() throws IOException, TimeoutException {
        channel.close();
    }
}
