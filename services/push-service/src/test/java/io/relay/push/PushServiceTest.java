package io.relay.push;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.rabbitmq.client.Connection;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.Appointment;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.PushDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueSpec;
import io.relay.messaging.Queues;
import io.relay.testsupport.FakeServiceAccount;
import io.relay.testsupport.QueueProbe;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** push-service against the real broker and Redis, FCM and its OAuth2 token endpoint simulated by WireMock. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PushServiceTest {

    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final WireMockServer FCM = new WireMockServer(
            WireMockConfiguration.options().dynamicPort().usingFilesUnderDirectory("../../infra/wiremock"));

    static {
        FCM.start();
    }

    /** No tenant here has provider accounts of its own: every message goes through the platform's. */
    private static final io.relay.testsupport.GatewayStandIn GATEWAY =
            io.relay.testsupport.GatewayStandIn.withoutTenantAccounts();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("relay.gateway-admin-url", GATEWAY::url);
        Path account = FakeServiceAccount.write(
                Path.of("target", "fcm-" + TestNames.unique("sa") + ".json"), FCM.baseUrl() + "/token", "relay-test");
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("fcm.project-id", () -> "relay-test");
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

    @Autowired
    EnvelopeCodec codec;

    private String tenant;

    @BeforeEach
    void setUp() {
        FCM.resetToDefaultMappings();
        tenant = TestNames.unique("tenant");
    }

    private void dispatch(PushDispatch push) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_DISPATCH_PUSH,
                Envelope.of(push.messageId(), tenant, push, null, Instant.now()),
                Duration.ofSeconds(5));
    }

    private <T> List<T> events(QueueSpec queue, Class<T> type, java.util.function.Predicate<T> mine, int count) {
        return QueueProbe.take(
                connection,
                queue.name(),
                got -> codec.decode(got.getProps(), got.getBody()).payload(),
                type,
                mine,
                count,
                Duration.ofSeconds(20));
    }

    private int sendsTo(String token) {
        return FCM.findAll(postRequestedFor(urlPathMatching("/v1/projects/relay-test/messages:send"))
                        .withRequestBody(matchingJsonPath("$.message.token", equalTo(token))))
                .size();
    }

    @Test
    void aPushReachesFcmWithNotificationDataAndTtlAndASentEventGoesBack() throws Exception {
        String id = TestNames.unique("msg");
        Instant expires = Instant.now().plusSeconds(3600);
        dispatch(new PushDispatch(
                id,
                "c-1",
                "appointments",
                List.of("tok-live-1"),
                "Check-up tomorrow",
                "09:30 at Main St",
                Map.of("kind", "reminder"),
                new Appointment("apt-1", "Check-up", null, null, null, "https://acme.example/r/1"),
                expires));

        DeliveryEvent sent = events(
                        Queues.ROUTING_DELIVERY,
                        DeliveryEvent.class,
                        e -> e.messageId().equals(id),
                        1)
                .getFirst();

        assertThat(sent.status()).isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(sent.providerMessageId()).startsWith("projects/relay-test/messages/");
        FCM.verify(1, postRequestedFor(urlEqualTo("/token")));
        FCM.verify(postRequestedFor(urlEqualTo("/v1/projects/relay-test/messages:send"))
                .withHeader("Authorization", equalTo("Bearer local"))
                .withRequestBody(matchingJsonPath("$.message.token", equalTo("tok-live-1")))
                .withRequestBody(matchingJsonPath("$.message.notification.title", equalTo("Check-up tomorrow")))
                .withRequestBody(matchingJsonPath("$.message.data.rescheduleUrl", equalTo("https://acme.example/r/1")))
                .withRequestBody(matchingJsonPath("$.message.data.messageId", equalTo(id)))
                .withRequestBody(matchingJsonPath(
                        "$.message.apns.headers.apns-expiration", equalTo(Long.toString(expires.getEpochSecond()))))
                .withRequestBody(matchingJsonPath(
                        "$.message.android.ttl",
                        com.github.tomakehurst.wiremock.client.WireMock.matching("35\\d\\ds"))));
    }

    @Test
    void anUnregisteredTokenIsReportedDeadAndTheLiveOneStillGetsIt() throws Exception {
        String id = TestNames.unique("msg");
        dispatch(new PushDispatch(
                id, "c-1", "offers", List.of("unregistered-token", "tok-live-2"), "Hi", "There", null, null, null));

        assertThat(events(
                                Queues.ROUTING_DELIVERY,
                                DeliveryEvent.class,
                                e -> e.messageId().equals(id),
                                1)
                        .getFirst()
                        .status())
                .isEqualTo(DeliveryEvent.Status.SENT);
        ContactEvent dead = events(
                        Queues.PREFERENCE_CONTACT,
                        ContactEvent.class,
                        e -> e.address().equals("unregistered-token"),
                        1)
                .getFirst();
        assertThat(dead.kind()).isEqualTo(ContactEvent.Kind.PUSH_TOKEN_INVALID);
        assertThat(sendsTo("unregistered-token"))
                .as("a dead token is not retried")
                .isEqualTo(1);
    }

    @Test
    void aRateLimitedSendHonoursRetryAfterAndGoesOnce() throws Exception {
        FCM.stubFor(post(urlPathMatching("/v1/projects/.+/messages:send"))
                .atPriority(1)
                .inScenario("quota")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(
                        aResponse()
                                .withStatus(429)
                                .withHeader("Retry-After", "1")
                                .withHeader("Content-Type", "application/json")
                                .withBody(
                                        "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\","
                                                + "\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"QUOTA_EXCEEDED\"}]}}"))
                .willSetStateTo("ok"));
        String id = TestNames.unique("msg");
        long start = System.nanoTime();

        dispatch(new PushDispatch(id, "c-1", "offers", List.of("tok-live-3"), "Hi", null, null, null, null));

        assertThat(events(
                                Queues.ROUTING_DELIVERY,
                                DeliveryEvent.class,
                                e -> e.messageId().equals(id),
                                1)
                        .getFirst()
                        .status())
                .isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("waited as FCM asked")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(sendsTo("tok-live-3")).isEqualTo(2);
    }

    @Test
    void aRedeliveredDispatchReachesFcmOncePerToken() throws Exception {
        String id = TestNames.unique("msg");
        PushDispatch push = new PushDispatch(id, "c-1", "offers", List.of("tok-live-4"), "Hi", null, null, null, null);
        dispatch(push);
        events(Queues.ROUTING_DELIVERY, DeliveryEvent.class, e -> e.messageId().equals(id), 1);

        dispatch(push);

        events(Queues.ROUTING_DELIVERY, DeliveryEvent.class, e -> e.messageId().equals(id), 1);
        assertThat(sendsTo("tok-live-4")).isEqualTo(1);
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aFailedPushLogsNoContactDetails(org.springframework.boot.test.system.CapturedOutput logs) throws Exception {
        String id = TestNames.unique("msg");
        // a customer's reachable details in the push's data: they must not reach the logs either
        dispatch(new PushDispatch(
                id,
                "c-1",
                "offers",
                List.of("unregistered-token"),
                "Hi ana@example.org",
                "Call +31612345678",
                null,
                null,
                null));

        assertThat(events(
                                Queues.ROUTING_DELIVERY,
                                DeliveryEvent.class,
                                e -> e.messageId().equals(id),
                                1)
                        .getFirst()
                        .status())
                .isEqualTo(DeliveryEvent.Status.FAILED);
        assertThat(logs.getAll()).doesNotContain("ana@example.org").doesNotContain("612345678");
        assertThat(logs.getAll())
                .doesNotContainPattern("[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9-]+\\.[A-Za-z]{2,}")
                .doesNotContainPattern("\\+[1-9][0-9]{7,}");
    }
}
