package io.relay.push.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.rabbitmq.client.Connection;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.PushDispatch;
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
 * Push sustained throughput against an FCM simulator answering in 50 ms (WireMock), through the
 * real broker and Redis, every dispatch to its sent event. Prints figures; asserts nothing about time.
 *
 * <p>Run: {@code ./mvnw -Pbench -pl services/push-service -am test}
 */
@Tag("bench")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PushBenchmark {

    private static final int MESSAGES = Integer.getInteger("bench.messages", 5_000);
    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final WireMockServer FCM = new WireMockServer(
            WireMockConfiguration.options().dynamicPort().containerThreads(300).jettyAcceptors(4));

    static {
        FCM.start();
        FCM.stubFor(post(urlPathMatching("/v1/projects/.+/messages:send"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withFixedDelay(50)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"name\":\"projects/bench/messages/1\"}")));
        FCM.stubFor(post(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/token"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"bench\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")));
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("rabbitmq.vhost", VHOST::name);
        java.nio.file.Path account = io.relay.testsupport.FakeServiceAccount.write(
                java.nio.file.Path.of("target", "fcm-bench.json"), FCM.baseUrl() + "/token", "bench");
        registry.add("fcm.project-id", () -> "bench");
        registry.add("fcm.credentials-file", account::toString);
        registry.add("fcm.api-base-url", FCM::baseUrl);
    }

    @AfterAll
    static void tearDown() {
        FCM.stop();
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
            PushDispatch sms =
                    new PushDispatch(id, "c-" + i, "bench", List.of("token-" + i), "Hi", "There", null, null, null);
            confirms.add(publisher.publish(
                    Topology.EVENTS_EXCHANGE,
                    Topology.KEY_DISPATCH_PUSH,
                    Envelope.of(id, tenant, sms, null, Instant.now())));
        }
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get();
        int arrived = events.await(MESSAGES, Duration.ofMinutes(3));
        double seconds = (events.lastArrivalNanos() - start) / 1e9;
        String report = String.format(
                "push-service: %d of %d dispatches sent in %.2f s = %.0f pushes/s (FCM simulator answering in 50 ms, "
                        + "%d cores, real RabbitMQ and Redis, every send recorded before and after)",
                arrived,
                MESSAGES,
                seconds,
                arrived / seconds,
                Runtime.getRuntime().availableProcessors());
        System.out.println(report);
        Path out = Path.of("target", "bench", "push.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report + "\n");
        events.close();
    }
}
