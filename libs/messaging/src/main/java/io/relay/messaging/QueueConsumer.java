package io.relay.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.relay.messaging.EnvelopeHandler.PermanentFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Consumes one work queue with manual acknowledgements and a bounded prefetch. A message is
 * acknowledged only after its handler finished, or after it was safely (confirmed) moved to the retry
 * or parking queue. On {@link #stop} no new work starts; work in progress finishes and is
 * acknowledged; messages prefetched but not started are left unacknowledged, so the broker hands
 * them to another consumer.
 *
 * <p>One channel takes the queue's deliveries and up to {@code concurrency} handlers run at once, each
 * on a pooled platform thread. The broker delivers to one consumer in bursts and takes one ack for many
 * ({@link ChannelAcks}, {@link #ackedWithin}); a channel per handler made it do both once a message.
 */
public final class QueueConsumer {

    public static final String H_PARKED_REASON = "x-parked-reason";
    private static final Logger log = LoggerFactory.getLogger(QueueConsumer.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final QueueSpec spec;
    private final EnvelopeHandler handler;
    private final EnvelopeCodec codec;
    private final ConfirmingPublisher publisher;
    /** the one channel consuming the queue, while started */
    private volatile Subscription subscription;

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;
    private volatile ConsumerObserver observer = ConsumerObserver.NONE;
    private volatile Duration ackLinger = Duration.ZERO;
    private java.util.concurrent.ScheduledExecutorService ackTimer;
    private java.util.concurrent.ExecutorService handlers;

    public QueueConsumer(QueueSpec spec, EnvelopeHandler handler, EnvelopeCodec codec, ConfirmingPublisher publisher) {
        this.spec = spec;
        this.handler = handler;
        this.codec = codec;
        this.publisher = publisher;
    }

    /** Metrics and tracing, set before {@link #start}. */
    public void observedBy(ConsumerObserver observer) {
        this.observer = observer == null ? ConsumerObserver.NONE : observer;
    }

    /**
     * Lets a handled message's ack wait up to {@code linger} to go out with others (zero, the default:
     * each is acked as soon as it is handled). Set before {@link #start}.
     */
    public void ackedWithin(Duration linger) {
        if (linger == null || linger.isNegative()) {
            throw new IllegalArgumentException("the ack linger must be zero or positive");
        }
        this.ackLinger = linger;
    }

    public QueueSpec spec() {
        return spec;
    }

    /** Declares the queue's topology and starts consuming it with up to {@code concurrency} handlers at once. */
    public synchronized void start(Connection connection) throws IOException {
        stopping = false;
        try (Channel declare = connection.createChannel()) {
            TopologyDeclarer.declare(declare, spec);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
        if (!ackLinger.isZero()) {
            ackTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("acks-" + spec.name()).factory());
        }
        // platform threads, at most `concurrency` busy (the permits): a handler's blocking socket reads
        // (Redis, the provider, the broker's confirm) wake its own thread, where a virtual thread's wake a
        // poller and then a carrier too (docs/benchmarks.md, stop 33)
        handlers = java.util.concurrent.Executors.newCachedThreadPool(
                Thread.ofPlatform().daemon().name(spec.name() + "-", 0).factory());
        Channel channel = connection.createChannel();
        // every handler busy and a prefetch's worth more waiting, handled or not yet acked
        channel.basicQos(spec.concurrency() + spec.prefetch());
        Worker worker = new Worker(channel);
        String tag = channel.basicConsume(spec.name(), false, worker);
        subscription = new Subscription(channel, tag, worker);
        log.info(
                "consuming {} with up to {} handlers, prefetch {} more, acks within {}",
                spec.name(),
                spec.concurrency(),
                spec.prefetch(),
                ackLinger);
    }

    /** Stops taking work, waits up to {@code timeout} for work in progress, then closes the channels. */
    public synchronized void stop(Duration timeout) {
        stopping = true;
        Subscription sub = subscription;
        if (sub != null) {
            try {
                sub.channel().basicCancel(sub.tag());
            } catch (IOException | RuntimeException e) {
                log.debug("cancel on {} failed: {}", spec.name(), e.toString());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // shutdown only: waiting for handlers to finish their work
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            log.warn(
                    "{} messages of {} still in progress at shutdown; they stay unacknowledged",
                    inFlight.get(),
                    spec.name());
        }
        if (sub != null) {
            sub.worker().acks.flush();
            try {
                if (sub.channel().isOpen()) {
                    sub.channel().close();
                }
            } catch (Exception e) {
                log.debug("close on {} failed: {}", spec.name(), e.toString());
            }
        }
        subscription = null;
        if (ackTimer != null) {
            ackTimer.shutdownNow();
            ackTimer = null;
        }
        if (handlers != null) {
            handlers.shutdown();
            handlers = null;
        }
    }

    public boolean isRunning() {
        return subscription != null && !stopping;
    }

    private record Subscription(Channel channel, String tag, Worker worker) {}

    private final class Worker extends DefaultConsumer {

        private final ChannelAcks acks;
        private final java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(spec.concurrency());
        private final java.util.concurrent.ExecutorService pool = handlers;

        Worker(Channel channel) {
            super(channel);
            this.acks = new ChannelAcks(channel, ackLinger, spec.prefetch() / 2, ackTimer);
        }

        /** Called in delivery order; waits here (holding the next deliveries back) while every handler is busy. */
        @Override
        public void handleDelivery(String tag, Envelope delivery, AMQP.BasicProperties props, byte[] body) {
            long deliveryTag = delivery.getDeliveryTag();
            acks.delivered(deliveryTag);
            inFlight.incrementAndGet();
            permits.acquireUninterruptibly();
            if (stopping) {
                // not started, not acknowledged: redelivered to whoever consumes next
                permits.release();
                inFlight.decrementAndGet();
                return;
            }
            pool.execute(() -> {
                try {
                    process(acks, deliveryTag, props, body);
                } catch (IOException | RuntimeException e) {
                    log.warn("could not settle a message of {}: {}", spec.name(), e.toString());
                } finally {
                    permits.release();
                    inFlight.decrementAndGet();
                }
            });
        }
    }

    private void process(ChannelAcks acks, long deliveryTag, AMQP.BasicProperties props, byte[] body)
            throws IOException {
        io.relay.contracts.Envelope<Object> envelope;
        try {
            envelope = codec.decode(props, body);
        } catch (EnvelopeCodec.UnreadableMessageException e) {
            log.error("parking unreadable message {} from {}: {}", props.getMessageId(), spec.name(), e.getMessage());
            settle(acks, deliveryTag, ConsumerObserver.Outcome.PARKED, () -> park(props, body, e.getMessage()));
            return;
        }
        MDC.put("messageId", envelope.messageId());
        MDC.put("tenantId", envelope.tenantId());
        MDC.put("attempt", Integer.toString(envelope.attempt()));
        try {
            observer.around(spec.name(), envelope, () -> handler.handle(envelope));
            acks.handled(deliveryTag);
            observer.outcome(spec.name(), ConsumerObserver.Outcome.ACKED);
        } catch (PermanentFailure e) {
            log.warn("parking message from {}: {}", spec.name(), e.getMessage());
            settle(acks, deliveryTag, ConsumerObserver.Outcome.PARKED, () -> park(props, body, e.getMessage()));
        } catch (Exception e) {
            if (envelope.attempt() >= spec.maxAttempts()) {
                log.error(
                        "parking message from {} after {} attempts: {}", spec.name(), envelope.attempt(), e.toString());
                settle(
                        acks,
                        deliveryTag,
                        ConsumerObserver.Outcome.PARKED,
                        () -> park(props, body, "attempts exhausted: " + e));
            } else {
                log.warn(
                        "attempt {} on {} failed, retrying in {}: {}",
                        envelope.attempt(),
                        spec.name(),
                        spec.retryDelay(),
                        e.toString());
                settle(
                        acks,
                        deliveryTag,
                        ConsumerObserver.Outcome.RETRIED,
                        () -> publisher.publish("", spec.retryQueue(), envelope.nextAttempt()));
            }
        } finally {
            // the whole context, not only the keys above: the pooled thread takes the next message, and
            // nothing a handler left there goes with it
            MDC.clear();
        }
    }

    private CompletableFuture<Void> park(AMQP.BasicProperties props, byte[] body, String reason) {
        Map<String, Object> headers = props.getHeaders() == null ? new HashMap<>() : new HashMap<>(props.getHeaders());
        headers.put(H_PARKED_REASON, reason == null ? "unknown" : truncate(reason));
        return publisher.publishRaw(
                TopologyDeclarer.PARKING_EXCHANGE,
                spec.name(),
                props.builder().headers(headers).build(),
                body);
    }

    /** Acks only once the message is safely elsewhere; otherwise hands it back to the broker. */
    private void settle(
            ChannelAcks acks,
            long deliveryTag,
            ConsumerObserver.Outcome outcome,
            Supplier<CompletableFuture<Void>> move)
            throws IOException {
        try {
            ConfirmingPublisher.await(move.get(), CONFIRM_TIMEOUT);
            acks.ack(deliveryTag);
            observer.outcome(spec.name(), outcome);
        } catch (ConfirmingPublisher.PublishException e) {
            log.error("could not move message off {}; returning it to the broker: {}", spec.name(), e.getMessage());
            acks.requeue(deliveryTag);
        }
    }

    private static String truncate(String s) {
        return s.length() > 500 ? s.substring(0, 500) : s;
    }
}
