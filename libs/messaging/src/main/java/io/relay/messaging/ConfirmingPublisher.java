package io.relay.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import io.relay.contracts.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes persistent messages with publisher confirms and the mandatory flag. A publish counts
 * only when the broker confirmed it and did not return it as unroutable: callers that must not lose
 * a message wait for {@link #publish} to complete before they acknowledge or answer.
 */
public final class ConfirmingPublisher implements AutoCloseable {

    private static final String H_PUBLISH_SEQ = "x-publish-seq";

    private final Channel channel;
    private final EnvelopeCodec codec;
    private final ObservationRegistry observations;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();

    private record Pending(CompletableFuture<Void> future, String target, boolean[] returned) {}

    public ConfirmingPublisher(Connection connection, EnvelopeCodec codec) throws IOException {
        this(connection, codec, ObservationRegistry.NOOP);
    }

    /** With tracing: each publish made inside a span is a PRODUCER span, its context in {@code traceparent}. */
    public ConfirmingPublisher(Connection connection, EnvelopeCodec codec, ObservationRegistry observations)
            throws IOException {
        this.observations = observations;
        this.codec = codec;
        this.channel = connection.createChannel();
        channel.confirmSelect();
        channel.addReturnListener(returned -> {
            Object seq = returned.getProperties().getHeaders() == null
                    ? null
                    : returned.getProperties().getHeaders().get(H_PUBLISH_SEQ);
            if (seq instanceof Number n) {
                Pending p = pending.get(n.longValue());
                if (p != null) {
                    p.returned()[0] = true;
                }
            }
        });
        channel.addConfirmListener(
                (seq, multiple) -> settle(seq, multiple, null),
                (seq, multiple) -> settle(seq, multiple, "broker nacked the publish"));
        channel.addShutdownListener(cause -> failAll(new PublishException("channel closed: " + cause.getMessage())));
    }

    /** Publishes an envelope; the future completes when the broker has it, or fails. */
    public CompletableFuture<Void> publish(String exchange, String routingKey, Envelope<?> envelope) {
        return publishRaw(exchange, routingKey, codec.properties(envelope), codec.body(envelope));
    }

    /** Publishes and waits for the confirm. */
    public void publishAndWait(String exchange, String routingKey, Envelope<?> envelope, Duration timeout) {
        await(publish(exchange, routingKey, envelope), timeout);
    }

    /**
     * Publishes an envelope without a span of its own: from a thread that works for several traces (a
     * batch of events, each of which carries its own {@code traceparent}), where a span would start a
     * trace that is no one's.
     */
    public CompletableFuture<Void> publishUntraced(String exchange, String routingKey, Envelope<?> envelope) {
        return publish(exchange, routingKey, codec.properties(envelope), codec.body(envelope), false);
    }

    /** Publishes bytes as they are, e.g. to park a message nobody can read. */
    public CompletableFuture<Void> publishRaw(
            String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
        return publish(exchange, routingKey, props, body, true);
    }

    private CompletableFuture<Void> publish(
            String exchange, String routingKey, AMQP.BasicProperties props, byte[] body, boolean traced) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        Map<String, Object> headers = props.getHeaders() == null ? new HashMap<>() : new HashMap<>(props.getHeaders());
        // the span and its traceparent header outside the lock: only the sequence number and the write
        // need it, so publishers on other threads do not wait for tracing
        Observation span = traced ? span(exchange, routingKey, headers) : Observation.NOOP;
        Pending entry = new Pending(future, exchange + "/" + routingKey, new boolean[1]);
        lock.lock();
        try {
            long seq = channel.getNextPublishSeqNo();
            headers.put(H_PUBLISH_SEQ, seq);
            pending.put(seq, entry);
            channel.basicPublish(
                    exchange,
                    routingKey,
                    true,
                    props.builder().headers(headers).deliveryMode(2).build(),
                    body);
        } catch (IOException | RuntimeException e) {
            span.error(e);
            future.completeExceptionally(
                    new PublishException("publish to " + exchange + "/" + routingKey + " failed", e));
        } finally {
            lock.unlock();
            span.stop();
        }
        return future;
    }

    /**
     * A PRODUCER span for a message that another thread publishes (a batch of events): started here, in
     * the caller's trace, with its context written into {@code headers}; the caller stops it once the
     * broker confirmed. Outside any span, {@code headers}' own {@code traceparent} is kept (no span).
     */
    public Observation startSpan(String exchange, String routingKey, Map<String, Object> headers) {
        return span(exchange, routingKey, headers);
    }

    /**
     * Started: the tracing handler has written the current trace into {@code headers}. Outside any span a
     * message keeps the {@code traceparent} it carries (a retry, the scheduler), rather than starting a
     * new trace.
     */
    private Observation span(String exchange, String routingKey, Map<String, Object> headers) {
        if (observations.getCurrentObservation() == null && headers.containsKey(EnvelopeCodec.H_TRACEPARENT)) {
            return Observation.NOOP;
        }
        String destination = exchange.isEmpty() ? routingKey : exchange + " " + routingKey;
        return Observation.createNotStarted(
                        "amqp.publish",
                        () -> {
                            SenderContext<Map<String, Object>> context = new SenderContext<>(
                                    (carrier, key, value) -> carrier.put(key, value), Kind.PRODUCER);
                            context.setCarrier(headers);
                            context.setRemoteServiceName("rabbitmq");
                            return context;
                        },
                        observations)
                .contextualName(destination + " publish")
                .lowCardinalityKeyValue("messaging.system", "rabbitmq")
                .lowCardinalityKeyValue("messaging.destination.name", exchange.isEmpty() ? routingKey : exchange)
                .start();
    }

    public static void await(CompletableFuture<Void> future, Duration timeout) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for a confirm", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PublishException pe
                    ? pe
                    : new PublishException("publish failed", e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("no confirm within " + timeout, e);
        }
    }

    private void settle(long seq, boolean multiple, String nackReason) {
        Map<Long, Pending> settled = multiple ? pending.headMap(seq, true) : single(seq);
        for (Map.Entry<Long, Pending> entry : settled.entrySet()) {
            Pending p = entry.getValue();
            if (nackReason != null) {
                p.future().completeExceptionally(new PublishException(nackReason + " (" + p.target() + ")"));
            } else if (p.returned()[0]) {
                p.future().completeExceptionally(new UnroutableException(p.target()));
            } else {
                p.future().complete(null);
            }
        }
        settled.clear();
    }

    private Map<Long, Pending> single(long seq) {
        return pending.subMap(seq, true, seq, true);
    }

    private void failAll(PublishException e) {
        for (Long seq : pending.keySet()) {
            Pending p = pending.remove(seq);
            if (p != null) {
                p.future().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() throws IOException, TimeoutException {
        if (channel.isOpen()) {
            channel.close();
        }
    }

    /** The broker did not take the message. */
    public static class PublishException extends RuntimeException {
        public PublishException(String message) {
            super(message);
        }

        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** No queue is bound for the message's routing key: publishing it would have lost it. */
    public static final class UnroutableException extends PublishException {
        public UnroutableException(String target) {
            super("no queue bound for " + target + "; message returned");
        }
    }
}
