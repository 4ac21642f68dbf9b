package io.relay.routing.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import io.relay.messaging.Queues;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The scheduler against the real PostgreSQL and RabbitMQ, on the real clock: how late due messages
 * reach the dispatch queue. Each due message is decided again on the customer's current word, so
 * preference-service is asked for each (a WireMock simulator answering at once, in this JVM). Prints
 * figures; asserts nothing about time.
 *
 * <p>Run: {@code ./mvnw -Pbench -pl services/routing-service -am test}
 */
@Tag("bench")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class SchedulerBenchmark {

    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final String SCHEMA = TestNames.schema("routing_bench");
    /** preference-service: a due message is decided again on the customer's word at that moment. */
    private static final com.github.tomakehurst.wiremock.WireMockServer PREFERENCES =
            new com.github.tomakehurst.wiremock.WireMockServer(
                    com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
                            .dynamicPort()
                            .containerThreads(64)
                            .templatingEnabled(true));

    static {
        PREFERENCES.start();
        PREFERENCES.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                                "/internal/v1/customers/.+/resolved"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"customerId":"c-1","category":"offers","kind":"marketing",
                                 "channels":[{"channel":"email","addresses":["c1@example.org"]}],"excluded":[],
                                 "timeZone":"UTC","locale":"en"}
                                """)));
        // a batch of due messages: one call, an answer per question
        PREFERENCES.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/internal/v1/resolved"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withTransformers("response-template")
                        .withBody("{\"answers\":[{{#each (jsonPath request.body '$.questions')}}"
                                + "{{#unless @first}},{{/unless}}{\"choices\":{\"category\":\"offers\","
                                + "\"kind\":\"marketing\",\"channels\":[{\"channel\":\"email\","
                                + "\"addresses\":[\"c1@example.org\"]}],\"excluded\":[],\"timeZone\":\"UTC\","
                                + "\"locale\":\"en\"} }{{/each}}]}")));
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add(
                "spring.datasource.url",
                () -> LocalInfrastructure.postgresUrlInSchema(SCHEMA) + "&reWriteBatchedInserts=true");
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.default-schema", () -> SCHEMA);
        registry.add("relay.preference-service-url", PREFERENCES::baseUrl);
    }

    @AfterAll
    static void tearDown() {
        PREFERENCES.stop();
        VHOST.close();
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Connection connection;

    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();

    @Test
    void lateness() throws Exception {
        Channel channel = connection.createChannel();
        channel.basicQos(2000);
        channel.basicConsume(Queues.EMAIL_DISPATCH.name(), true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(
                    String tag, com.rabbitmq.client.Envelope e, AMQP.BasicProperties p, byte[] body) {
                arrivals.put(p.getMessageId(), System.currentTimeMillis());
            }
        });
        StringBuilder report =
                new StringBuilder("scheduler: due time to arrival on the dispatch queue, real PostgreSQL and RabbitMQ, "
                        + Runtime.getRuntime().availableProcessors() + " cores\n");

        // a steady stream: 2,000 messages due over 10 seconds
        Instant start = Instant.now().plusSeconds(3);
        List<Instant> steady = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            steady.add(start.plusMillis(i * 5L));
        }
        report.append(run("steady 200/s for 10 s", steady)).append('\n');

        // bursts of 10,000 messages due in the same second: the first while the JVM is young (the JIT
        // still compiling on the same two cores), then bench.bursts more one after the other
        int warm = Integer.getInteger("bench.bursts", 5);
        long born = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        for (int round = 0; round <= warm; round++) {
            Instant burstAt = Instant.now().plusSeconds(4);
            List<Instant> burst = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                burst.add(burstAt.plusMillis(i % 1000));
            }
            long age = (burstAt.toEpochMilli() - born) / 1000;
            String name = round == 0
                    ? "burst 10,000 in 1 s, JVM " + age + " s old"
                    : "burst " + round + " of " + warm + ", JVM " + age + " s old";
            report.append(run(name, burst)).append('\n');
        }

        channel.close();
        System.out.println(report);
        Path out = Path.of("target", "bench", "scheduler.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private String run(String name, List<Instant> dueTimes) throws Exception {
        arrivals.clear();
        String tenant = TestNames.unique("bench");
        List<Object[]> rows = new ArrayList<>();
        Map<String, Instant> due = new ConcurrentHashMap<>();
        for (int i = 0; i < dueTimes.size(); i++) {
            String id = "msg_" + tenant + "_" + i;
            due.put(id, dueTimes.get(i));
            // a customer each, so each due message is its own question for preference-service
            String customer = "c-" + i;
            rows.add(new Object[] {
                tenant,
                id,
                customer,
                "{\"customerId\":\"" + customer
                        + "\",\"category\":\"offers\",\"content\":{\"email\":{\"subject\":\"Hi\",\"text\":\"Hello\"}}}",
                Timestamp.from(dueTimes.get(i)),
                // as accepted through the gateway: in the trace of its acceptance, which the dispatch joins
                String.format("00-%032x-%016x-01", i + 1, i + 1)
            });
        }
        jdbc.batchUpdate("""
                INSERT INTO messages (tenant_id, id, customer_id, category, priority, channels, request, status,
                                      channel, address, scheduled_for, created_at, updated_at, traceparent)
                VALUES (?, ?, ?, 'offers', 'normal', '[]', ?::jsonb,
                        'scheduled', 'email', '["c1@example.org"]', ?, now(), now(), ?)
                """, rows);
        Instant last = dueTimes.stream().max(Instant::compareTo).orElseThrow();
        long deadline = last.toEpochMilli() + 30_000;
        while (arrivals.size() < dueTimes.size() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50); // a benchmark on the real clock
        }
        long[] late = due.entrySet().stream()
                .filter(e -> arrivals.containsKey(e.getKey()))
                .mapToLong(e -> arrivals.get(e.getKey()) - e.getValue().toEpochMilli())
                .sorted()
                .toArray();
        long firstDue = dueTimes.stream().min(Instant::compareTo).orElseThrow().toEpochMilli();
        long lastArrival =
                arrivals.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return String.format(
                "%-36s %6d/%d published  lateness p50 %4d ms  p99 %4d ms  max %4d ms  first due -> last published %5d ms",
                name,
                late.length,
                dueTimes.size(),
                pct(late, 0.50),
                pct(late, 0.99),
                late.length == 0 ? -1 : late[late.length - 1],
                lastArrival - firstDue);
    }

    private static long pct(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
