package io.relay.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.relay.contracts.Envelope;
import io.relay.contracts.payload.MessageAccepted;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.TestNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the machine's real RabbitMQ; every test works on queues and an exchange of its own. */
class QueueConsumerTest {

    private Connection connection;
    private Channel admin;
    private ConfirmingPublisher publisher;
    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final List<QueueConsumer> started = new CopyOnWriteArrayList<>();
    private String exchange;
    private QueueSpec spec;

    @BeforeEach
    void connect() throws Exception {
        connection = new AmqpSettings(
                        LocalInfrastructure.rabbitHost(), LocalInfrastructure.rabbitPort(), "guest", "guest", "/")
                .connect("messaging-test");
        admin = connection.createChannel();
        publisher = new ConfirmingPublisher(connection, codec);
        exchange = TestNames.unique("test.events");
        spec = QueueSpec.of(TestNames.unique("test.work"), exchange, "message.accepted")
                .withRetryDelay(Duration.ofMillis(200))
                .withMaxAttempts(3)
                .withDeliveryLimit(2)
                .withConcurrency(1);
    }

    @AfterEach
    void cleanUp() throws Exception {
        started.forEach(c -> c.stop(Duration.ofSeconds(2)));
        for (String q : List.of(spec.name(), spec.retryQueue(), spec.parkingQueue())) {
            admin.queueDelete(q);
        }
        admin.exchangeDelete(exchange);
        connection.close();
    }

    private QueueConsumer consume(EnvelopeHandler handler) throws Exception {
        QueueConsumer consumer = new QueueConsumer(spec, handler, codec, publisher);
        consumer.start(connection);
        started.add(consumer);
        return consumer;
    }

    private Envelope<MessageAccepted> envelope(String id) {
        return Envelope.of(
                id,
                "tenant-a",
                new MessageAccepted(id, "c-1", "appointments"),
                null,
                Instant.parse("2026-11-27T10:00:00Z"));
    }

    private long messagesIn(String queue) throws Exception {
        return admin.queueDeclarePassive(queue).getMessageCount();
    }

    @Test
    void aPublishedMessageReachesTheHandlerWithItsMetadataAndIsAcknowledged() throws Exception {
        List<Envelope<Object>> seen = new CopyOnWriteArrayList<>();
        consume(seen::add);

        publisher.publishAndWait(exchange, "message.accepted", envelope("m-1"), Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
        Envelope<Object> got = seen.getFirst();
        assertThat(got.messageId()).isEqualTo("m-1");
        assertThat(got.tenantId()).isEqualTo("tenant-a");
        assertThat(got.type()).isEqualTo("message.accepted");
        assertThat(got.schemaVersion()).isEqualTo(1);
        assertThat(got.attempt()).isEqualTo(1);
        assertThat(got.createdAt()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(got.payload()).isEqualTo(new MessageAccepted("m-1", "c-1", "appointments"));
        await().atMost(Duration.ofSeconds(5)).until(() -> messagesIn(spec.name()) == 0);
    }

    @Test
    void aMessageNoQueueIsBoundForFailsThePublishInsteadOfVanishing() throws Exception {
        TopologyDeclarer.declareExchange(admin, exchange);

        CompletableFuture<Void> result = publisher.publish(exchange, "nobody.listens", envelope("m-2"));

        assertThatThrownBy(() -> ConfirmingPublisher.await(result, Duration.ofSeconds(5)))
                .isInstanceOf(ConfirmingPublisher.UnroutableException.class)
                .hasMessageContaining("nobody.listens");
    }

    @Test
    void aTransientFailureIsRetriedThroughTheRetryQueueWithTheNextAttempt() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        consume(e -> {
            attempts.add(e.attempt());
            if (e.attempt() == 1) {
                throw new IllegalStateException("provider timed out");
            }
        });

        publisher.publishAndWait(exchange, "message.accepted", envelope("m-3"), Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 2);
        assertThat(attempts).containsExactly(1, 2);
        assertThat(messagesIn(spec.parkingQueue())).isZero();
    }

    @Test
    void aMessageThatFailsEveryAttemptIsParkedWithTheReason() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        consume(e -> {
            attempts.add(e.attempt());
            throw new IllegalStateException("still down");
        });

        publisher.publishAndWait(exchange, "message.accepted", envelope("m-4"), Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10)).until(() -> messagesIn(spec.parkingQueue()) == 1);
        assertThat(attempts).containsExactly(1, 2, 3);
        GetResponse parked = admin.basicGet(spec.parkingQueue(), true);
        assertThat(parked.getProps().getMessageId()).isEqualTo("m-4");
        assertThat(parked.getProps()
                        .getHeaders()
                        .get(QueueConsumer.H_PARKED_REASON)
                        .toString())
                .contains("attempts exhausted")
                .contains("still down");
    }

    @Test
    void aPermanentFailureIsParkedAtOnceWithoutRetrying() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        consume(e -> {
            attempts.add(e.attempt());
            throw new EnvelopeHandler.PermanentFailure("address rejected");
        });

        publisher.publishAndWait(exchange, "message.accepted", envelope("m-5"), Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(5)).until(() -> messagesIn(spec.parkingQueue()) == 1);
        assertThat(attempts).containsExactly(1);
        GetResponse parked = admin.basicGet(spec.parkingQueue(), true);
        assertThat(parked.getProps()
                        .getHeaders()
                        .get(QueueConsumer.H_PARKED_REASON)
                        .toString())
                .isEqualTo("address rejected");
    }

    @Test
    void aMessageNobodyCanReadIsParkedNotRetried() throws Exception {
        List<Envelope<Object>> seen = new CopyOnWriteArrayList<>();
        consume(seen::add);

        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .messageId("m-6")
                .type("something.unknown")
                .headers(Map.of("tenant-id", "tenant-a"))
                .build();
        ConfirmingPublisher.await(
                publisher.publishRaw(exchange, "message.accepted", props, "{}".getBytes(StandardCharsets.UTF_8)),
                Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(5)).until(() -> messagesIn(spec.parkingQueue()) == 1);
        assertThat(seen).isEmpty();
    }

    @Test
    void aMessageThatKeepsCrashingItsConsumerIsParkedByTheBrokersDeliveryLimit() throws Exception {
        QueueConsumer declareOnly = new QueueConsumer(spec, e -> {}, codec, publisher);
        declareOnly.start(connection);
        declareOnly.stop(Duration.ofSeconds(1));
        publisher.publishAndWait(exchange, "message.accepted", envelope("m-7"), Duration.ofSeconds(5));

        // a consumer that dies mid-work hands the message back unacknowledged, again and again
        for (int i = 0; i <= spec.deliveryLimit(); i++) {
            Channel crashing = connection.createChannel();
            GetResponse got = crashing.basicGet(spec.name(), false);
            assertThat(got).as("delivery %d", i + 1).isNotNull();
            crashing.close();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> messagesIn(spec.name()) + messagesIn(spec.parkingQueue()) == 1);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> messagesIn(spec.parkingQueue()) == 1);
        assertThat(messagesIn(spec.name())).isZero();
    }

    @Test
    void stoppingFinishesWorkInProgressAndLeavesUnstartedMessagesForTheNextConsumer() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> finished = new CopyOnWriteArrayList<>();
        QueueConsumer consumer = consume(e -> {
            firstStarted.countDown();
            release.await(5, TimeUnit.SECONDS);
            finished.add(e.messageId());
        });
        for (String id : List.of("m-8", "m-9", "m-10")) {
            publisher.publishAndWait(exchange, "message.accepted", envelope(id), Duration.ofSeconds(5));
        }
        assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> consumer.stop(Duration.ofSeconds(5)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !consumer.isRunning());
        release.countDown();
        stopping.get(10, TimeUnit.SECONDS);

        assertThat(finished).containsExactly("m-8");
        await().atMost(Duration.ofSeconds(5)).until(() -> messagesIn(spec.name()) == 2);
    }

    @Test
    void aReplayedParkedMessageGoesBackToWorkWithAFreshAttemptAndIsHandled() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean providerFixed = new java.util.concurrent.atomic.AtomicBoolean();
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        consume(e -> {
            attempts.add(e.attempt());
            if (!providerFixed.get()) {
                throw new EnvelopeHandler.PermanentFailure("account suspended");
            }
            handled.add(e.messageId());
        });
        publisher.publishAndWait(exchange, "message.accepted", envelope("m-9"), Duration.ofSeconds(5));
        publisher.publishAndWait(exchange, "message.accepted", envelope("m-10"), Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> messagesIn(spec.parkingQueue()) == 2);

        providerFixed.set(true);
        ParkingReplay.Result first = ParkingReplay.replay(connection, spec.name(), 1);
        assertThat(first).isEqualTo(new ParkingReplay.Result(1, 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
        ParkingReplay.Result rest = ParkingReplay.replay(connection, spec.name(), Integer.MAX_VALUE);

        assertThat(rest).isEqualTo(new ParkingReplay.Result(1, 0));
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);
        assertThat(handled).containsExactly("m-9", "m-10"); // oldest first
        assertThat(attempts).containsExactly(1, 1, 1, 1);
        assertThat(messagesIn(spec.parkingQueue())).isZero();
    }

    @Test
    void replayRefusesAQueueThatDoesNotExist() {
        assertThatThrownBy(() -> ParkingReplay.replay(connection, TestNames.unique("no.such.queue"), 10))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void theObserverHearsEachOutcomeOnlyOnceTheMessageIsSettled() throws Exception {
        List<String> outcomes = new CopyOnWriteArrayList<>();
        List<String> wrapped = new CopyOnWriteArrayList<>();
        QueueConsumer consumer = new QueueConsumer(
                spec,
                e -> {
                    switch (e.messageId()) {
                        case "ok" -> {}
                        case "bad" -> throw new EnvelopeHandler.PermanentFailure("no");
                        default -> {
                            if (e.attempt() == 1) {
                                throw new IllegalStateException("later");
                            }
                        }
                    }
                },
                codec,
                publisher);
        consumer.observedBy(new ConsumerObserver() {
            @Override
            public void around(String queue, Envelope<?> envelope, Work work) throws Exception {
                wrapped.add(envelope.messageId() + "#" + envelope.attempt());
                work.run();
            }

            @Override
            public void outcome(String queue, Outcome outcome) {
                outcomes.add(queue.equals(spec.name()) ? outcome.name() : "wrong queue " + queue);
            }
        });
        consumer.start(connection);
        started.add(consumer);

        for (String id : List.of("ok", "bad", "flaky")) {
            publisher.publishAndWait(exchange, "message.accepted", envelope(id), Duration.ofSeconds(5));
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 4);
        assertThat(outcomes).containsExactlyInAnyOrder("ACKED", "PARKED", "RETRIED", "ACKED");
        assertThat(wrapped).containsExactlyInAnyOrder("ok#1", "bad#1", "flaky#1", "flaky#2");
    }

    // ---- one channel, handlers at once, acks that wait to go out together ----

    private QueueConsumer consumeWithLinger(QueueSpec with, Connection on, Duration linger, EnvelopeHandler handler)
            throws Exception {
        QueueConsumer consumer = new QueueConsumer(with, handler, codec, publisher);
        consumer.ackedWithin(linger);
        consumer.start(on);
        started.add(consumer);
        return consumer;
    }

    private void publish(String... ids) {
        for (String id : ids) {
            publisher.publishAndWait(exchange, "message.accepted", envelope(id), Duration.ofSeconds(5));
        }
    }

    /** What a fresh consumer is handed: whatever the broker still holds. */
    private List<String> handedToTheNextConsumer(int expected) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        consume(e -> seen.add(e.messageId()));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= expected);
        return seen;
    }

    @Test
    void acksWaitingForTheirLingerAreSentOnStopSoNothingHandledComesBack() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        QueueConsumer consumer =
                consumeWithLinger(spec, connection, Duration.ofHours(1), e -> handled.add(e.messageId()));
        publish("w-1", "w-2", "w-3");
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);

        consumer.stop(Duration.ofSeconds(2));

        assertThat(messagesIn(spec.name())).isZero();
        publish("w-4");
        assertThat(handedToTheNextConsumer(1)).containsExactly("w-4");
    }

    @Test
    void waitingAcksGoOutOnceHalfThePrefetchIsHandledSoTheConsumerNeverRunsDry() throws Exception {
        // room for 1 handler + 4 more: with no ack sent before the hour is up, only 5 would ever arrive
        QueueSpec small = spec.withPrefetch(4);
        List<String> handled = new CopyOnWriteArrayList<>();
        consumeWithLinger(small, connection, Duration.ofHours(1), e -> handled.add(e.messageId()));

        for (int i = 1; i <= 12; i++) {
            publish("p-" + i);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 12);
        assertThat(handled).doesNotHaveDuplicates();
    }

    @Test
    void aCrashBeforeTheWaitingAcksGoOutHandsThoseMessagesOutAgain() throws Exception {
        Connection dying = new AmqpSettings(
                        LocalInfrastructure.rabbitHost(), LocalInfrastructure.rabbitPort(), "guest", "guest", "/")
                .connect("messaging-test-dying");
        List<String> handled = new CopyOnWriteArrayList<>();
        consumeWithLinger(spec, dying, Duration.ofHours(1), e -> handled.add(e.messageId()));
        publish("c-1", "c-2");
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);

        dying.abort(); // the process dies with its acks unsent

        assertThat(handedToTheNextConsumer(2)).containsExactlyInAnyOrder("c-1", "c-2");
    }

    @Test
    void aMessageStillInWorkIsNotCoveredByTheAckOfThoseHandledAfterIt() throws Exception {
        Connection dying = new AmqpSettings(
                        LocalInfrastructure.rabbitHost(), LocalInfrastructure.rabbitPort(), "guest", "guest", "/")
                .connect("messaging-test-slow");
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        // 3 at once, acks sent once 2 wait: the fast ones go out while the slow one is still in work
        consumeWithLinger(spec.withConcurrency(3).withPrefetch(4), dying, Duration.ofHours(1), e -> {
            if (e.messageId().equals("slow")) {
                slowStarted.countDown();
                never.await(30, TimeUnit.SECONDS);
            }
            handled.add(e.messageId());
        });
        publish("slow");
        assertThat(slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
        publish("fast-1", "fast-2");
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);

        // a multiple ack for the fast ones would have acked the slow one too, or closed the channel
        assertThat(dying.isOpen()).isTrue();
        dying.abort();

        assertThat(handedToTheNextConsumer(1)).containsExactly("slow");
        never.countDown();
    }

    @Test
    void upToConcurrencyHandlersRunAtOnceOnTheOneChannel() throws Exception {
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch threeRunning = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        consumeWithLinger(spec.withConcurrency(3), connection, Duration.ofMillis(50), e -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            threeRunning.countDown();
            release.await(5, TimeUnit.SECONDS);
            running.decrementAndGet();
            handled.add(e.messageId());
        });
        publish("a-1", "a-2", "a-3", "a-4", "a-5", "a-6");

        assertThat(threeRunning.await(5, TimeUnit.SECONDS)).isTrue();
        release.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 6);
        assertThat(most.get()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> messagesIn(spec.name()) == 0);
    }

    @Test
    void aHandlerSeesOnlyItsOwnMessageInTheLogContextEvenOnAThreadAnotherMessageUsedBefore() throws Exception {
        // one handler at a time, so the second message runs on the thread the first left behind
        List<Map<String, String>> contexts = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        consume(e -> {
            Map<String, String> context = org.slf4j.MDC.getCopyOfContextMap();
            contexts.add(context == null ? Map.of() : Map.copyOf(context));
            threads.add(Thread.currentThread().getName());
            // a handler that puts something of its own there and does not take it away
            org.slf4j.MDC.put("customerId", "c-of-" + e.messageId());
        });

        publisher.publishAndWait(exchange, "message.accepted", envelope("m-1"), Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> contexts.size() == 1);
        publisher.publishAndWait(
                exchange,
                "message.accepted",
                Envelope.of(
                        "m-2",
                        "tenant-b",
                        new MessageAccepted("m-2", "c-2", "appointments"),
                        null,
                        Instant.parse("2026-11-27T10:00:00Z")),
                Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> contexts.size() == 2);

        assertThat(threads.get(1)).isEqualTo(threads.get(0));
        assertThat(contexts.get(0)).containsEntry("tenantId", "tenant-a").doesNotContainKey("customerId");
        assertThat(contexts.get(1))
                .containsEntry("messageId", "m-2")
                .containsEntry("tenantId", "tenant-b")
                .doesNotContainKey("customerId");
    }
}
