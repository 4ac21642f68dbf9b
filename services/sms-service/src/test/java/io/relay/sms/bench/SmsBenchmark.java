package io.relay.sms.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.rabbitmq.client.Connection;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.SmsDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.Queues;
import io.relay.testsupport.ArrivalCounter;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * SMS sustained throughput against a Twilio simulator answering in 50 ms (WireMock), through the
 * real broker and Redis, every dispatch to its sent event. Prints figures; asserts nothing about time.
 *
 * <p>Run: {@code ./mvnw -Pbench -pl services/sms-service -am test}
 */
@Tag("bench")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class SmsBenchmark {

    private static final int MESSAGES = Integer.getInteger("bench.messages", 5_000);
    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final WireMockServer TWILIO = new WireMockServer(
            WireMockConfiguration.options().dynamicPort().containerThreads(300).jettyAcceptors(4));

    static {
        TWILIO.start();
        TWILIO.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withFixedDelay(50)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\":\"SM00000000000000000000000000000000\",\"status\":\"queued\"}")));
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("twilio.account-sid", () -> "AC00000000000000000000000000000001");
        registry.add("twilio.auth-token", () -> "bench-token");
        registry.add("twilio.api-base-url", TWILIO::baseUrl);
        registry.add("twilio.from", () -> "+3197010000001");
    }

    @AfterAll
    static void tearDown() {
        TWILIO.stop();
        VHOST.close();
    }

    @Autowired
    ConfirmingPublisher publisher;

    @Autowired
    Connection connection;

    @Test
    void sustainedThroughput() throws Exception {
        ArrivalCounter events = new ArrivalCounter(connection, Queues.ROUTING_DELIVERY.name());
        String tenant = TestNames.unique("bench");
        long start = System.nanoTime();
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            String id = tenant + "-" + i;
            SmsDispatch sms =
                    new SmsDispatch(id, "c-" + i, "bench", "+3161" + String.format("%07d", i), null, "Hi", null, null);
            confirms.add(publisher.publish(
                    Topology.EVENTS_EXCHANGE,
                    Topology.KEY_DISPATCH_SMS,
                    Envelope.of(id, tenant, sms, null, Instant.now())));
        }
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get();
        int arrived = events.await(MESSAGES, Duration.ofMinutes(3));
        double seconds = (events.lastArrivalNanos() - start) / 1e9;
        String report = String.format(
                "sms-service: %d of %d dispatches sent in %.2f s = %.0f SMS/s (Twilio simulator answering in 50 ms, "
                        + "%d cores, real RabbitMQ and Redis, every send recorded before and after)",
                arrived,
                MESSAGES,
                seconds,
                arrived / seconds,
                Runtime.getRuntime().availableProcessors());
        System.out.println(report);
        Path out = Path.of("target", "bench", "sms.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report + "\n");
        events.close();
    }
}
