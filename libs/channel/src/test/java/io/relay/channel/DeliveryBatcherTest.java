package io.relay.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.relay.contracts.Envelope;
import io.relay.contracts.payload.DeliveryBatch;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.AmqpSettings;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueSpec;
import io.relay.messaging.Queues;
import io.relay.messaging.TopologyDeclarer;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.RabbitVhost;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the machine's real RabbitMQ, in a virtual host of the test's own: what routing's delivery
 * queue receives when a channel service's workers publish their events at about the same time.
 */
class DeliveryBatcherTest {

    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(AT, ZoneOffset.UTC);

    private final EnvelopeCodec codec = new EnvelopeCodec();
    private RabbitVhost vhost;
    private Connection connection;
    private Channel admin;
    private ConfirmingPublisher publisher;
    private DeliveryBatcher batcher;

    @BeforeEach
    void connect() throws Exception {
        vhost = RabbitVhost.create();
        connection = new AmqpSettings(
                        LocalInfrastructure.rabbitHost(),
                        LocalInfrastructure.rabbitPort(),
                        "guest",
                        "guest",
                        vhost.name())
                .connect("delivery-batcher-test");
        admin = connection.createChannel();
        publisher = new ConfirmingPublisher(connection, codec);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (batcher != null) {
            batcher.close();
        }
        connection.close();
        vhost.close();
    }

    /** {@code batchesRead}: a routing that reads batches has declared their queue. */
    private ChannelEvents events(boolean batchesRead, Duration linger, int max) throws Exception {
        TopologyDeclarer.declare(admin, Queues.ROUTING_DELIVERY);
        if (batchesRead) {
            TopologyDeclarer.declare(admin, Queues.ROUTING_DELIVERY_BATCHES);
        }
        batcher = new DeliveryBatcher(io.relay.contracts.Channel.SMS, publisher, CLOCK, linger, max);
        return new ChannelEvents(io.relay.contracts.Channel.SMS, publisher, CLOCK, batcher);
    }

    private static DeliveryEvent sent(String messageId) {
        return new DeliveryEvent(messageId, "sms", DeliveryEvent.Status.SENT, "SM" + messageId, null, null, AT);
    }

    /** {@code count} workers publish at once, each returning only once its event is confirmed. */
    private static void publishAtOnce(ChannelEvents events, int count) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> publishing = new ArrayList<>();
        try (ExecutorService workers = Executors.newFixedThreadPool(count)) {
            for (int i = 0; i < count; i++) {
                int n = i;
                publishing.add(workers.submit(() -> {
                    start.await();
                    events.publish("tenant-" + n, "00-%032x-%016x-01".formatted(n + 1, n + 1), sent("msg_" + n));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : publishing) {
                f.get(); // a failed publish fails the test
            }
        }
    }

    /** What waits in one of routing's queues, in order, as routing reads it. */
    private List<Envelope<Object>> waitingIn(QueueSpec queue) throws Exception {
        List<Envelope<Object>> found = new ArrayList<>();
        GetResponse got;
        while ((got = admin.basicGet(queue.name(), true)) != null) {
            found.add(codec.decode(got.getProps(), got.getBody()));
        }
        return found;
    }

    /** What waits for routing: single events, then batches where their queue exists. */
    private List<Envelope<Object>> inRoutingsQueues() throws Exception {
        List<Envelope<Object>> found = new ArrayList<>(waitingIn(Queues.ROUTING_DELIVERY));
        if (batchQueueExists()) {
            found.addAll(waitingIn(Queues.ROUTING_DELIVERY_BATCHES));
        }
        return found;
    }

    private boolean batchQueueExists() throws Exception {
        try (Channel probe = connection.createChannel()) {
            probe.queueDeclarePassive(Queues.ROUTING_DELIVERY_BATCHES.name());
            return true;
        } catch (java.io.IOException e) {
            return false; // the passive declare closed the probe's channel: no such queue
        }
    }

    private static List<DeliveryBatch.Item> items(List<Envelope<Object>> messages) {
        List<DeliveryBatch.Item> all = new ArrayList<>();
        for (Envelope<Object> m : messages) {
            if (m.payload() instanceof DeliveryBatch batch) {
                all.addAll(batch.events());
            } else {
                all.add(new DeliveryBatch.Item(m.tenantId(), m.traceparent(), (DeliveryEvent) m.payload()));
            }
        }
        return all;
    }

    @Test
    void eventsPublishedTogetherReachRoutingAsOneMessageEachWithItsOwnTenantAndTrace() throws Exception {
        ChannelEvents events = events(true, Duration.ofSeconds(1), 100);

        publishAtOnce(events, 6);

        assertThat(waitingIn(Queues.ROUTING_DELIVERY)).as("no event alone").isEmpty();
        List<Envelope<Object>> messages = waitingIn(Queues.ROUTING_DELIVERY_BATCHES);
        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst().type()).isEqualTo("delivery.batch");
        assertThat(messages.getFirst().tenantId()).isEqualTo(DeliveryBatch.TENANTS);
        assertThat(items(messages)).hasSize(6).allSatisfy(item -> {
            int n = Integer.parseInt(item.event().messageId().substring("msg_".length()));
            assertThat(item.tenantId()).isEqualTo("tenant-" + n);
            assertThat(item.traceparent()).isEqualTo("00-%032x-%016x-01".formatted(n + 1, n + 1));
            assertThat(item.event()).isEqualTo(sent("msg_" + n));
        });
    }

    @Test
    void aLoneEventGoesAsTheSingleEventItAlwaysWas() throws Exception {
        ChannelEvents events = events(true, Duration.ZERO, 100);

        events.publish("tenant-a", null, sent("msg_lone"));

        List<Envelope<Object>> messages = inRoutingsQueues();
        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst().type()).isEqualTo("delivery.event");
        assertThat(messages.getFirst().tenantId()).isEqualTo("tenant-a");
        assertThat(messages.getFirst().payload()).isEqualTo(sent("msg_lone"));
    }

    @Test
    void aBatchHoldsAtMostItsMaximumAndNoEventIsLeftOut() throws Exception {
        ChannelEvents events = events(true, Duration.ofSeconds(1), 2);

        publishAtOnce(events, 5);

        List<Envelope<Object>> messages = inRoutingsQueues();
        assertThat(messages).hasSize(3);
        assertThat(messages)
                .allSatisfy(m -> assertThat(
                                m.payload() instanceof DeliveryBatch b
                                        ? b.events().size()
                                        : 1)
                        .isLessThanOrEqualTo(2));
        assertThat(items(messages))
                .extracting(item -> item.event().messageId())
                .containsExactlyInAnyOrder("msg_0", "msg_1", "msg_2", "msg_3", "msg_4");
    }

    @Test
    void whereRoutingCannotReadBatchesYetEachEventGoesAloneAndNoneIsLost() throws Exception {
        // only the queue the channel services declare: no routing that reads batches has run
        ChannelEvents events = events(false, Duration.ofSeconds(1), 100);

        publishAtOnce(events, 4);

        List<Envelope<Object>> messages = inRoutingsQueues();
        assertThat(messages).hasSize(4).allSatisfy(m -> assertThat(m.type()).isEqualTo("delivery.event"));
        assertThat(items(messages))
                .extracting(DeliveryBatch.Item::tenantId)
                .containsExactlyInAnyOrder("tenant-0", "tenant-1", "tenant-2", "tenant-3");
    }

    @Test
    void closingPublishesWhatIsWaitingAtOnceAndConfirmsIt() throws Exception {
        events(true, Duration.ofSeconds(30), 100);
        List<java.util.concurrent.CompletableFuture<Void>> waiting = List.of(
                batcher.offer("tenant-a", null, sent("msg_a")),
                batcher.offer("tenant-b", null, sent("msg_b")),
                batcher.offer("tenant-c", null, sent("msg_c")));

        batcher.close(); // well inside the 30 s the batch would otherwise linger

        for (var confirmed : waiting) {
            confirmed.get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(items(inRoutingsQueues()))
                .extracting(item -> item.event().messageId())
                .containsExactlyInAnyOrder("msg_a", "msg_b", "msg_c");
    }

    @Test
    void onceClosedTheBatcherTakesNothingAndEventsGoAlone() throws Exception {
        ChannelEvents events = events(true, Duration.ofSeconds(1), 100);
        batcher.close();

        assertThat(batcher.offer("tenant-a", null, sent("msg_late"))).isNull();
        events.publish("tenant-a", null, sent("msg_late"));

        List<Envelope<Object>> messages = inRoutingsQueues();
        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst().payload()).isEqualTo(sent("msg_late"));
    }
}
