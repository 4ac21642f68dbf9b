package io.relay.channel;

import io.relay.contracts.Channel;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.DeliveryBatch;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.ConfirmingPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the delivery events that a channel service's workers hand over within a few milliseconds of
 * each other as one AMQP message ({@link DeliveryBatch}), so the broker routes, stores, delivers and
 * settles them once, not once each: at 200 messages a second that hop had cost RabbitMQ about 0.75 ms
 * of CPU a message (docs/benchmarks.md).
 *
 * <p>One thread takes the first waiting event, waits {@code linger} for more (up to {@code max}), and
 * publishes what it has: a lone event as the plain single event it always was, several as a batch. It
 * does not wait for the confirm, so the next batch gathers meanwhile. Each caller's future completes
 * when the broker confirmed the message its event went in. A batch returned unroutable (no routing
 * that reads batches yet), nacked or not published fails each future with a
 * {@link ConfirmingPublisher.PublishException}, and the caller publishes alone; so does each event
 * still waiting if this thread stops.
 */
public final class DeliveryBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryBatcher.class);

    private record Waiting(DeliveryBatch.Item item, CompletableFuture<Void> done) {}

    private final Channel channel;
    private final ConfirmingPublisher publisher;
    private final Clock clock;
    private final Duration linger;
    private final int max;
    private final BlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean running = true;

    /**
     * @param linger how long the first event of a batch waits for others (zero: only those already waiting)
     * @param max events in one batch at most
     */
    public DeliveryBatcher(Channel channel, ConfirmingPublisher publisher, Clock clock, Duration linger, int max) {
        if (linger.isNegative() || max < 1) {
            throw new IllegalArgumentException("the linger must be zero or positive and the batch at least one");
        }
        this.channel = channel;
        this.publisher = publisher;
        this.clock = clock;
        this.linger = linger;
        this.max = max;
        this.worker = Thread.ofPlatform()
                .daemon()
                .name("delivery-events-" + channel.wireName())
                .start(this::loop);
    }

    /**
     * Hands an event over. Returns the future of its confirm, or null once closed: the caller then
     * publishes it itself.
     */
    public CompletableFuture<Void> offer(String tenantId, String traceparent, DeliveryEvent event) {
        if (!running) {
            return null;
        }
        Waiting waiting = new Waiting(new DeliveryBatch.Item(tenantId, traceparent, event), new CompletableFuture<>());
        queue.add(waiting);
        if (!running && queue.remove(waiting)) {
            return null; // closed meanwhile and the thread did not take it
        }
        return waiting.done();
    }

    private void loop() {
        try {
            while (running || !queue.isEmpty()) {
                List<Waiting> batch = new ArrayList<>();
                try {
                    Waiting first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    if (running && !linger.isZero()) {
                        LockSupport.parkNanos(linger.toNanos());
                    }
                    queue.drainTo(batch, max - 1);
                    send(batch);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    batch.forEach(w -> w.done().completeExceptionally(stopped(e)));
                    return;
                } catch (RuntimeException | Error e) {
                    // never leave a worker waiting: it publishes alone
                    batch.forEach(w -> w.done().completeExceptionally(stopped(e)));
                    log.warn("delivery events not published together: {}", e.toString());
                }
            }
        } finally {
            // whatever stops this thread, no event waits for it: each goes alone
            running = false;
            for (Waiting w; (w = queue.poll()) != null; ) {
                w.done().completeExceptionally(stopped(null));
            }
        }
    }

    private static ConfirmingPublisher.PublishException stopped(Throwable cause) {
        return new ConfirmingPublisher.PublishException("delivery events not published together", cause);
    }

    private void send(List<Waiting> batch) {
        CompletableFuture<Void> confirmed;
        if (batch.size() == 1) {
            DeliveryBatch.Item item = batch.getFirst().item();
            confirmed = publisher.publishUntraced(Topology.EVENTS_EXCHANGE, item.routingKey(), item.alone());
        } else {
            List<DeliveryBatch.Item> items = batch.stream().map(Waiting::item).toList();
            confirmed = publisher.publishUntraced(
                    Topology.EVENTS_EXCHANGE,
                    Topology.deliveriesKey(channel),
                    Envelope.of(
                            "db_" + UUID.randomUUID(),
                            DeliveryBatch.TENANTS,
                            new DeliveryBatch(items),
                            null,
                            clock.instant()));
        }
        confirmed.whenComplete((ok, failure) -> batch.forEach(w -> {
            if (failure == null) {
                w.done().complete(null);
            } else {
                w.done().completeExceptionally(failure);
            }
        }));
    }

    /** Publishes what is waiting, then stops taking events; later ones are published by their callers. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(worker); // a batch lingering goes now
        try {
            worker.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
