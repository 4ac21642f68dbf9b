package io.relay.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.MeterRegistry;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.Queues;
import io.relay.security.SecretBox;
import io.relay.testsupport.Http;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.QueueProbe;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.SmtpServer;
import io.relay.testsupport.TestNames;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tenants' own SMTP relays (issue 21): a tenant's email goes through its relays in its order, logged in with
 * its own credentials; a relay that stops taking connections mid-run is failed over to the next and every
 * email arrives exactly once; a relay that refuses the login is failed over and counted; relays are
 * checked before they are saved. Each relay is a real SMTP server (GreenMail) of its own; the gateway's
 * internal API is WireMock answering with accounts sealed under this run's own key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TenantSmtpRelaysTest {

    private static final String KEY = "key-" + UUID.randomUUID() + UUID.randomUUID();
    private static final SecretBox BOX = new SecretBox(KEY, null);
    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final SmtpServer PLATFORM = SmtpServer.start();
    private static final int FIRST_PORT = LocalInfrastructure.freePort();
    private static final int SECOND_PORT = LocalInfrastructure.freePort();
    private static final WireMockServer GATEWAY =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        GATEWAY.start();
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("smtp.port", PLATFORM::port);
        registry.add("smtp.host", () -> "127.0.0.1");
        registry.add("relay.public-base-url", () -> "https://relay.test");
        registry.add("relay.gateway-admin-url", GATEWAY::baseUrl);
        registry.add("relay.providers.secrets-key", () -> KEY);
        registry.add("relay.providers.cache-ttl", () -> "0s");
        // the test's relays are on this machine: only these two may be used at an internal address
        registry.add("relay.providers.allowed-hosts", () -> "127.0.0.1:" + FIRST_PORT + ",127.0.0.1:" + SECOND_PORT);
    }

    @AfterAll
    static void tearDown() {
        PLATFORM.close();
        GATEWAY.stop();
        VHOST.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    ConfirmingPublisher publisher;

    @Autowired
    Connection connection;

    @Autowired
    EnvelopeCodec codec;

    @Autowired
    MeterRegistry meters;

    record Relay(String id, String tenant, int port, String login, String password) {}

    private static Relay relay(String tenant, int port) {
        return new Relay(
                "pa_" + UUID.randomUUID().toString().substring(0, 8),
                tenant,
                port,
                "user" + UUID.randomUUID().toString().substring(0, 6),
                "pw-" + UUID.randomUUID());
    }

    private static String config(Relay r) {
        return "{\"host\":\"127.0.0.1\",\"port\":" + r.port() + ",\"tls\":\"none\",\"username\":\"" + r.login() + "\"}";
    }

    private static String sealedRecord(Relay r, String password) {
        SecretBox.Sealed sealed = BOX.seal("{\"password\":\"" + password + "\"}", r.tenant() + "|" + r.id());
        return "\"keyId\":\"%s\",\"wrappedKey\":\"%s\",\"secret\":\"%s\""
                .formatted(
                        sealed.keyId(),
                        Base64.getEncoder().encodeToString(sealed.wrappedKey()),
                        Base64.getEncoder().encodeToString(sealed.ciphertext()));
    }

    /** The gateway: the tenant's relays in this order, the platform's never. */
    private static void connect(String tenant, Relay... relays) {
        String refs = java.util.Arrays.stream(relays)
                .map(r -> "{\"id\":\"%s\",\"tenantId\":\"%s\",\"type\":\"smtp\",\"name\":\"n\",\"version\":1}"
                        .formatted(r.id(), r.tenant()))
                .collect(Collectors.joining(","));
        GATEWAY.stubFor(get(urlPathEqualTo("/internal/provider-accounts"))
                .withQueryParam("tenant", equalTo(tenant))
                .withQueryParam("channel", equalTo("email"))
                .willReturn(json("{\"usePlatformDefault\":false,\"accounts\":[" + refs + "]}")));
        for (Relay r : relays) {
            GATEWAY.stubFor(get(urlPathEqualTo("/internal/provider-accounts/" + r.id()))
                    .withHeader("X-Internal-Token", equalTo(Http.LOCAL_INTERNAL_TOKEN))
                    .willReturn(json("{\"id\":\"" + r.id() + "\",\"tenantId\":\"" + r.tenant()
                            + "\",\"type\":\"smtp\",\"channel\":\"email\",\"name\":\"n\",\"version\":1,\"config\":"
                            + config(r) + "," + sealedRecord(r, r.password()) + "}")));
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    @BeforeEach
    void setUp() {
        GATEWAY.resetAll();
    }

    private String send(String tenant, String to) {
        String id = TestNames.unique("msg");
        EmailDispatch email = new EmailDispatch(
                id, "c-1", "appointments", to, null, "Subject " + id, "Body " + id, null, null, null, "transactional");
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_DISPATCH_EMAIL,
                Envelope.of(id, tenant, email, null, Instant.now()),
                Duration.ofSeconds(5));
        return id;
    }

    private List<DeliveryEvent> sent(List<String> ids) {
        return QueueProbe.take(
                connection,
                Queues.ROUTING_DELIVERY.name(),
                got -> codec.decode(got.getProps(), got.getBody()).payload(),
                DeliveryEvent.class,
                e -> ids.contains(e.messageId()),
                ids.size(),
                Duration.ofSeconds(30));
    }

    private static List<String> subjects(SmtpServer server) throws Exception {
        List<String> subjects = new ArrayList<>();
        for (MimeMessage m : server.received()) {
            subjects.add(m.getSubject());
        }
        return subjects;
    }

    @Test
    void aRelayThatStopsTakingConnectionsMidRunIsFailedOverAndEveryEmailArrivesOnce() throws Exception {
        String tenant = TestNames.unique("tenant");
        Relay first = relay(tenant, FIRST_PORT);
        Relay second = relay(tenant, SECOND_PORT);
        connect(tenant, first, second);
        SmtpServer one = SmtpServer.start(FIRST_PORT).requireLogin(first.login(), first.password());
        SmtpServer two = SmtpServer.start(SECOND_PORT).requireLogin(second.login(), second.password());
        try {
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                before.add(send(tenant, "before" + i + "@example.org"));
            }
            assertThat(sent(before)).allSatisfy(e -> {
                assertThat(e.status()).isEqualTo(DeliveryEvent.Status.SENT);
                assertThat(e.provider()).isEqualTo("smtp:" + first.id());
            });

            List<String> atFirst = subjects(one); // what it holds goes with it
            one.close(); // the first relay refuses connections from here on

            List<String> after = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                after.add(send(tenant, "after" + i + "@example.org"));
            }
            List<DeliveryEvent> afterEvents = sent(after);
            assertThat(afterEvents).allSatisfy(e -> {
                assertThat(e.status()).isEqualTo(DeliveryEvent.Status.SENT);
                assertThat(e.provider()).isEqualTo("smtp:" + second.id());
            });
            assertThat(afterEvents).anySatisfy(e -> assertThat(e.reason()).contains("smtp:" + first.id()));

            List<String> all = new ArrayList<>(atFirst);
            all.addAll(subjects(two));
            all.addAll(subjects(PLATFORM));
            List<String> expected = new ArrayList<>();
            before.forEach(id -> expected.add("Subject " + id));
            after.forEach(id -> expected.add("Subject " + id));
            // each exactly once, the first five at the first relay, the rest at the second, none at the platform's
            assertThat(all.stream().filter(expected::contains).toList()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(atFirst)
                    .containsExactlyInAnyOrderElementsOf(
                            before.stream().map(id -> "Subject " + id).toList());
            assertThat(subjects(two))
                    .containsExactlyInAnyOrderElementsOf(
                            after.stream().map(id -> "Subject " + id).toList());
        } finally {
            one.close();
            two.close();
        }
    }

    @Test
    void aRelayThatRefusesOurLoginIsFailedOverAndCounted() throws Exception {
        String tenant = TestNames.unique("tenant");
        Relay locked = relay(tenant, FIRST_PORT);
        Relay backup = relay(tenant, SECOND_PORT);
        connect(tenant, locked, backup);
        SmtpServer one = SmtpServer.start(FIRST_PORT).requireLogin(locked.login(), "another-password");
        SmtpServer two = SmtpServer.start(SECOND_PORT).requireLogin(backup.login(), backup.password());
        try {
            String id = send(tenant, "locked@example.org");

            DeliveryEvent event = sent(List.of(id)).getFirst();
            assertThat(event.provider()).isEqualTo("smtp:" + backup.id());
            assertThat(subjects(one)).isEmpty();
            assertThat(subjects(two)).containsExactly("Subject " + id);
            assertThat(meters.get("relay.provider.misconfigured")
                            .tag("provider", "smtp:" + locked.id())
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(1);
        } finally {
            one.close();
            two.close();
        }
    }

    @Test
    void aRelayIsCheckedByLoggingInBeforeItIsSavedAndOneAtAnInternalAddressIsRefused() throws Exception {
        Relay relay = relay(TestNames.unique("tenant"), FIRST_PORT);
        SmtpServer server = SmtpServer.start(FIRST_PORT).requireLogin(relay.login(), relay.password());
        Http internal = new Http("http://localhost:" + port).header("X-Internal-Token", Http.LOCAL_INTERNAL_TOKEN);
        try {
            assertThat(internal.post("/internal/providers/check", check(relay, config(relay), relay.password()))
                            .body())
                    .isEqualTo("{\"ok\":true}");
            assertThat(internal.post("/internal/providers/check", check(relay, config(relay), "wrong"))
                            .body())
                    .contains("\"ok\":false", "secrets.password");
            // an internal address not among the allowed: never connected to
            String internalHost = "{\"host\":\"127.0.0.1\",\"port\":" + PLATFORM.port() + ",\"tls\":\"none\"}";
            assertThat(internal.post("/internal/providers/check", check(relay, internalHost, "x"))
                            .body())
                    .contains("\"ok\":false", "config.host");
            assertThat(server.received()).isEmpty();
            assertThat(new Http("http://localhost:" + port)
                            .post("/internal/providers/check", check(relay, config(relay), relay.password()))
                            .statusCode())
                    .isEqualTo(401);
        } finally {
            server.close();
        }
    }

    private static String check(Relay r, String config, String password) {
        return "{\"accountId\":\"" + r.id() + "\",\"tenantId\":\"" + r.tenant() + "\",\"type\":\"smtp\",\"config\":"
                + config + "," + sealedRecord(r, password) + "}";
    }
}
