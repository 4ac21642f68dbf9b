package io.relay.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Moves parked messages back to their work queue, oldest first, for an operator who fixed the cause.
 * Each message is published to the work queue with attempt 1 and without the parking reason, the
 * broker confirms it, and only then is it removed from the parking queue: a crash in between leaves a
 * copy in both, which the consumers' idempotency absorbs; nothing is lost.
 *
 * <p>From a service's jar (RABBITMQ_* as for the service):
 * {@code java -Dloader.main=io.relay.messaging.ParkingReplay -cp <service>.jar
 * org.springframework.boot.loader.launch.PropertiesLauncher sms.dispatch [max]}; in its image:
 * {@code java -cp app.jar io.relay.messaging.ParkingReplay sms.dispatch [max]}
 */
public final class ParkingReplay {

    private static final long CONFIRM_TIMEOUT_MS = 10_000;

    private ParkingReplay() {}

    /** How many moved, and how many are still parked (those beyond {@code max}). */
    public record Result(int moved, long stillParked) {}

    public static Result replay(Connection connection, String workQueue, int max)
            throws IOException, TimeoutException, InterruptedException {
        return replay(connection, workQueue, max, reason -> true);
    }

    /**
     * Only the parked messages whose parking reason {@code which} accepts; the others stay parked, in
     * their order.
     */
    public static Result replay(
            Connection connection, String workQueue, int max, java.util.function.Predicate<String> which)
            throws IOException, TimeoutException, InterruptedException {
        String parking = workQueue + ".parking";
        try (Channel channel = connection.createChannel()) {
            channel.queueDeclarePassive(workQueue); // refuses a queue name that is not ours
            channel.confirmSelect();
            Swept swept = sweep(channel, parking, max, parked -> {
                Object reason = parked.getProps().getHeaders() == null
                        ? null
                        : parked.getProps().getHeaders().get(QueueConsumer.H_PARKED_REASON);
                if (!which.test(reason == null ? null : reason.toString())) {
                    return false;
                }
                channel.basicPublish("", workQueue, true, replayed(parked.getProps()), parked.getBody());
                channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
                return true;
            });
            return new Result(swept.taken(), channel.messageCount(parking) + swept.kept());
        }
    }

    /**
     * Deletes the parked messages whose envelope {@code which} accepts (an erased customer's), keeping
     * the others, and any it cannot read, parked in their order; returns how many were deleted.
     */
    public static int discard(
            Connection connection,
            String workQueue,
            EnvelopeCodec codec,
            java.util.function.Predicate<io.relay.contracts.Envelope<Object>> which)
            throws IOException, TimeoutException, InterruptedException {
        try (Channel channel = connection.createChannel()) {
            return sweep(channel, workQueue + ".parking", Integer.MAX_VALUE, parked -> {
                        try {
                            return which.test(codec.decode(parked.getProps(), parked.getBody()));
                        } catch (RuntimeException unreadable) {
                            return false; // not ours to judge: it waits for an operator
                        }
                    })
                    .taken();
        }
    }

    /** What one parked message becomes: true when it was dealt with (and is acked), false to keep it parked. */
    @FunctionalInterface
    private interface Take {
        boolean take(GetResponse parked) throws IOException, TimeoutException, InterruptedException;
    }

    private record Swept(int taken, int kept) {}

    /**
     * Goes through the parking queue until it is empty or {@code max} were taken: each one {@code take}
     * deals with is acked, the others are held unacked until the end and then put back, in their order.
     */
    private static Swept sweep(Channel channel, String parking, int max, Take take)
            throws IOException, TimeoutException, InterruptedException {
        int taken = 0;
        java.util.List<Long> kept = new java.util.ArrayList<>();
        while (taken < max) {
            GetResponse parked = channel.basicGet(parking, false);
            if (parked == null) {
                break;
            }
            if (take.take(parked)) {
                channel.basicAck(parked.getEnvelope().getDeliveryTag(), false);
                taken++;
            } else {
                kept.add(parked.getEnvelope().getDeliveryTag());
            }
        }
        for (long tag : kept) {
            channel.basicNack(tag, false, true);
        }
        return new Swept(taken, kept.size());
    }

    private static AMQP.BasicProperties replayed(AMQP.BasicProperties props) {
        Map<String, Object> headers = props.getHeaders() == null ? new HashMap<>() : new HashMap<>(props.getHeaders());
        headers.remove(QueueConsumer.H_PARKED_REASON);
        headers.remove("x-death");
        headers.remove("x-first-death-exchange");
        headers.remove("x-first-death-queue");
        headers.remove("x-first-death-reason");
        headers.remove("x-last-death-exchange");
        headers.remove("x-last-death-queue");
        headers.remove("x-last-death-reason");
        headers.put(EnvelopeCodec.H_ATTEMPT, 1);
        return props.builder().headers(headers).build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || args[0].endsWith(".parking")) {
            System.err.println("usage: ParkingReplay <work queue, e.g. sms.dispatch> [max messages, default all]");
            System.exit(2);
        }
        int max = args.length == 2 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE;
        AmqpSettings settings = new AmqpSettings(
                env("RABBITMQ_HOST", "localhost"),
                Integer.parseInt(env("RABBITMQ_PORT", "5672")),
                env("RABBITMQ_USERNAME", "guest"),
                env("RABBITMQ_PASSWORD", "guest"),
                env("RABBITMQ_VHOST", "/"));
        try (Connection connection = settings.connect("parking-replay")) {
            Result result = replay(connection, args[0], max);
            System.out.printf(
                    "moved %d message(s) from %s.parking back to %s; %d still parked%n",
                    result.moved(), args[0], args[0], result.stillParked());
        }
        System.exit(0); // the client library's own threads must not keep the JVM waiting
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
