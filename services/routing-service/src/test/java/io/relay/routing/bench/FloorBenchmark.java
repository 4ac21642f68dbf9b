package io.relay.routing.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.relay.testsupport.AutovacuumStandIn;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.ProcessCpu;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The floor: only the broker hops and database statements one message needs today, with the
 * platform's queue type (quorum; {@code bench.queue-type=classic} to compare), publisher confirms, manual acks and commits, and no service logic,
 * on this machine's PostgreSQL and RabbitMQ. Per message: accept (insert the message and its first
 * timeline entry, commit, publish {@code message.accepted}, confirm); route (status to dispatched with
 * a timeline entry, commit, publish the dispatch, confirm, ack); the channel (publish the delivery
 * event, confirm, ack; no provider); the delivery (status to sent with a timeline entry, commit,
 * publish {@code status.changed}, confirm, ack); the webhook stage (ack). {@code bench.batch} sets how
 * many messages share a commit and a confirm at every stage: 1 is the platform today. Prints figures
 * (messages a second, CPU per message of PostgreSQL, RabbitMQ and this driver); asserts nothing about
 * time.
 *
 * <p>Run: {@code ./mvnw -Pbench -pl services/routing-service -am test -Dtest=FloorBenchmark
 * [-Dbench.messages=20000 -Dbench.batch=1 -Dbench.workers=8 -Dbench.queue-type=quorum|classic|classic-v2
 * -Dbench.rate=80 -Dbench.idle-seconds=10]}
 */
@Tag("bench")
class FloorBenchmark {

    private static final int MESSAGES = Integer.getInteger("bench.messages", 20_000);
    private static final int BATCH = Integer.getInteger("bench.batch", 1);
    private static final int WORKERS = Integer.getInteger("bench.workers", 8);
    /** This JVM, in the CPU figures. */
    private static final String DRIVER = "this driver (JVM)";
    /**
     * Messages a second the producers start, paced; 0 (the default) is as fast as they go. A broker and
     * a database cost more a message at a low rate than flat out, where commits, fsyncs and wake-ups
     * are shared: compare the platform at its load suite's rate with the floor at the same rate.
     */
    private static final int RATE = Integer.getInteger("bench.rate", 0);
    /** Seconds of nothing before the run, to measure what PostgreSQL and RabbitMQ cost idle. */
    private static final int IDLE_SECONDS = Integer.getInteger("bench.idle-seconds", 10);
    /**
     * quorum (the platform's), classic (durable, the broker's default version: 1 on RabbitMQ 3.10) or
     * classic-v2: what the broker costs a message with each, the same confirms and acks. Classic cannot take what the platform needs of quorum (a
     * delivery limit, at-least-once dead-lettering, replication in a cluster); measured, not proposed.
     */
    private static final String QUEUE_TYPE = System.getProperty("bench.queue-type", "quorum");

    private static final List<String> QUEUES =
            List.of("floor.accepted", "floor.dispatch", "floor.delivery", "floor.status");
    /** A message's request as routing keeps it: about the size of a templated email's. */
    private static final String REQUEST = "{\"customerId\":\"c-1\",\"category\":\"load-email\",\"content\":{\"email\":"
            + "{\"subject\":\"Your appointment tomorrow\",\"text\":\"" + "x".repeat(300)
            + "\"}},\"priority\":\"normal\"}";

    private final String schema = TestNames.schema("floor");
    private final AtomicInteger done = new AtomicInteger();
    private final long[] latencies = new long[MESSAGES];
    private final CountDownLatch finished = new CountDownLatch(1);

    @Test
    void theBrokerHopsAndStatementsOfOneMessageAlone() throws Exception {
        try (RabbitVhost vhost = RabbitVhost.create();
                var admin = DriverManager.getConnection(
                        LocalInfrastructure.postgresUrl(), LocalInfrastructure.postgresUser(), "")) {
            try (var ddl = admin.createStatement()) {
                ddl.execute("CREATE SCHEMA " + schema);
                ddl.execute("CREATE TABLE " + schema + ".messages (tenant_id TEXT, id TEXT, customer_id TEXT NOT NULL,"
                        + " category TEXT NOT NULL, status TEXT NOT NULL, channel TEXT, request JSONB NOT NULL,"
                        + " created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL, dispatched_at TIMESTAMPTZ,"
                        + " PRIMARY KEY (tenant_id, id))");
                ddl.execute("CREATE INDEX ON " + schema + ".messages (tenant_id, customer_id, created_at DESC)");
                ddl.execute(
                        "CREATE INDEX ON " + schema + ".messages (tenant_id, customer_id, category, dispatched_at)");
                ddl.execute("CREATE TABLE " + schema + ".timeline (tenant_id TEXT, message_id TEXT, at TIMESTAMPTZ,"
                        + " event TEXT, channel TEXT, reason TEXT)");
                ddl.execute("CREATE INDEX ON " + schema + ".timeline (tenant_id, message_id)");
            }
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost(LocalInfrastructure.rabbitHost());
            factory.setPort(LocalInfrastructure.rabbitPort());
            factory.setVirtualHost(vhost.name());
            try (Connection rabbit = factory.newConnection("floor-benchmark")) {
                try (Channel declare = rabbit.createChannel()) {
                    for (String queue : QUEUES) {
                        declare.queueDeclare(queue, true, false, false, queueArguments());
                    }
                }
                // this machine's PostgreSQL runs without autovacuum; production's does not
                try (var autovacuum = AutovacuumStandIn.start(
                        java.time.Duration.ofSeconds(30),
                        List.of(new AutovacuumStandIn.Target(
                                LocalInfrastructure.postgresUrl(),
                                List.of(schema + ".messages", schema + ".timeline"))))) {
                    run(rabbit);
                }
            } finally {
                try (var ddl = admin.createStatement()) {
                    ddl.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    private static Map<String, Object> queueArguments() {
        return switch (QUEUE_TYPE) {
            case "quorum", "classic" -> Map.of("x-queue-type", QUEUE_TYPE);
            case "classic-v2" -> Map.of("x-queue-type", "classic", "x-queue-version", 2);
            default -> throw new IllegalArgumentException("bench.queue-type: quorum, classic or classic-v2");
        };
    }

    private void run(Connection rabbit) throws Exception {
        String update = "WITH moved AS (UPDATE " + schema + ".messages SET status = ?, channel = 'email',"
                + " updated_at = now(), dispatched_at = coalesce(dispatched_at, now())"
                + " WHERE tenant_id = 't' AND id = ? RETURNING tenant_id, id)"
                + " INSERT INTO " + schema + ".timeline SELECT tenant_id, id, now(), ?, 'email', NULL FROM moved";
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            threads.add(stage(rabbit, "floor.accepted", "floor.dispatch", update, "dispatched"));
            threads.add(stage(rabbit, "floor.dispatch", "floor.delivery", null, null));
            threads.add(stage(rabbit, "floor.delivery", "floor.status", update, "sent"));
            threads.add(stage(rabbit, "floor.status", null, null, null));
        }
        Map<String, Long> idleBefore = ProcessCpu.serversAndThis(DRIVER);
        long idleStart = System.nanoTime();
        Thread.sleep(IDLE_SECONDS * 1000L); // a benchmark's idle window, not a test's wait
        Map<String, Long> idleAfter = ProcessCpu.serversAndThis(DRIVER);
        double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
        Map<String, Long> before = ProcessCpu.serversAndThis(DRIVER);
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        for (int i = 0; i < WORKERS; i++) {
            threads.add(Thread.ofPlatform().start(() -> produce(rabbit, next, start)));
        }
        finished.await(10, TimeUnit.MINUTES);
        long elapsed = System.nanoTime() - start;
        Map<String, Long> after = ProcessCpu.serversAndThis(DRIVER);
        threads.forEach(Thread::interrupt);

        double seconds = elapsed / 1e9;
        long[] sorted = Arrays.copyOf(latencies, done.get());
        Arrays.sort(sorted);
        System.out.printf(
                "floor: %d messages, %s queues, %d per commit and confirm, %d workers a stage, %s: %.0f messages/s;"
                        + " accept -> last hop p50 %.1f ms, p99 %.1f ms%n",
                done.get(),
                QUEUE_TYPE,
                BATCH,
                WORKERS,
                RATE > 0 ? "paced at " + RATE + "/s" : "flat out",
                done.get() / seconds,
                sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6);
        for (String name : before.keySet()) {
            double perMessage = (after.get(name) - before.get(name)) * 10.0 / done.get();
            double idlePerSecond = (idleAfter.get(name) - idleBefore.get(name)) * 10.0 / idleSeconds;
            System.out.printf(
                    "  %-22s %.2f ms CPU per message (%.2f without its idle cost); idle %.1f ms CPU a second%n",
                    name, perMessage, perMessage - idlePerSecond * seconds / done.get(), idlePerSecond);
        }
    }

    /**
     * Inserts messages, BATCH a commit, and publishes their message.accepted, BATCH a confirm; with a
     * RATE, message n starts no earlier than n / RATE seconds after {@code start}.
     */
    private void produce(Connection rabbit, AtomicInteger next, long start) {
        try (var db = DriverManager.getConnection(
                        LocalInfrastructure.postgresUrl(), LocalInfrastructure.postgresUser(), "");
                Channel channel = rabbit.createChannel()) {
            db.setAutoCommit(false);
            channel.confirmSelect();
            PreparedStatement insert = db.prepareStatement("WITH m AS (INSERT INTO " + schema + ".messages"
                    + " (tenant_id, id, customer_id, category, status, request, created_at, updated_at)"
                    + " VALUES ('t', ?, 'c-1', 'load-email', 'accepted', ?::jsonb, now(), now()) RETURNING id)"
                    + " INSERT INTO " + schema + ".timeline SELECT 't', id, now(), 'accepted', NULL, NULL FROM m");
            while (true) {
                List<Integer> ids = new ArrayList<>();
                for (int n = 0; n < BATCH; n++) {
                    int id = next.getAndIncrement();
                    if (id >= MESSAGES) {
                        break;
                    }
                    ids.add(id);
                }
                if (ids.isEmpty()) {
                    return;
                }
                if (RATE > 0) {
                    long due = start + ids.getLast() * 1_000_000_000L / RATE;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // pacing the load, not waiting for a result
                    }
                }
                for (int id : ids) {
                    insert.setString(1, Integer.toString(id));
                    insert.setString(2, REQUEST);
                    insert.addBatch();
                }
                insert.executeBatch();
                db.commit();
                for (int id : ids) {
                    channel.basicPublish("", "floor.accepted", true, props(id, System.nanoTime()), body(id));
                }
                channel.waitForConfirmsOrDie(10_000);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One consumer of a stage: takes up to BATCH deliveries, runs the stage's statement for each in one
     * commit, publishes each to the next queue with one confirm, then acks them at once.
     */
    private Thread stage(Connection rabbit, String from, String to, String sql, String status) throws Exception {
        Channel channel = rabbit.createChannel();
        channel.basicQos(Math.max(20, BATCH * 2));
        channel.confirmSelect();
        BlockingQueue<Object[]> inbox = new LinkedBlockingQueue<>();
        channel.basicConsume(from, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                inbox.add(new Object[] {envelope.getDeliveryTag(), props, body});
            }
        });
        return Thread.ofPlatform().daemon().start(() -> {
            try (var db = sql == null
                    ? null
                    : DriverManager.getConnection(
                            LocalInfrastructure.postgresUrl(), LocalInfrastructure.postgresUser(), "")) {
                PreparedStatement statement = null;
                if (db != null) {
                    db.setAutoCommit(false);
                    statement = db.prepareStatement(sql);
                }
                while (!Thread.currentThread().isInterrupted()) {
                    List<Object[]> taken = new ArrayList<>();
                    Object[] first = inbox.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    taken.add(first);
                    inbox.drainTo(taken, BATCH - 1);
                    if (statement != null) {
                        for (Object[] message : taken) {
                            statement.setString(1, status);
                            statement.setString(2, new String((byte[]) message[2], StandardCharsets.UTF_8));
                            statement.setString(3, status);
                            statement.addBatch();
                        }
                        statement.executeBatch();
                        db.commit();
                    }
                    if (to != null) {
                        for (Object[] message : taken) {
                            channel.basicPublish("", to, true, (AMQP.BasicProperties) message[1], (byte[]) message[2]);
                        }
                        channel.waitForConfirmsOrDie(10_000);
                    } else {
                        for (Object[] message : taken) {
                            long sent = (Long) ((AMQP.BasicProperties) message[1])
                                    .getHeaders()
                                    .get("at");
                            int n = done.getAndIncrement();
                            if (n < MESSAGES) {
                                latencies[n] = System.nanoTime() - sent;
                            }
                            if (n + 1 == MESSAGES) {
                                finished.countDown();
                            }
                        }
                    }
                    channel.basicAck((Long) taken.getLast()[0], true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (!Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    private static AMQP.BasicProperties props(int id, long at) {
        return new AMQP.BasicProperties.Builder()
                .messageId(Integer.toString(id))
                .deliveryMode(2)
                .headers(Map.of("at", at))
                .build();
    }

    private static byte[] body(int id) {
        return Integer.toString(id).getBytes(StandardCharsets.UTF_8);
    }
}
