package io.relay.push;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.rabbitmq.client.Connection;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.PushDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.Queues;
import io.relay.security.SecretBox;
import io.relay.testsupport.FakeServiceAccount;
import io.relay.testsupport.Http;
import io.relay.testsupport.QueueProbe;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Tenants' own FCM projects (issue 21): a device token works only with the project of the app it came from,
 * so each business's pushes go to its own project, authorised by its own service account (each with a token
 * endpoint of its own here), and never through another's; a token another project owns moves the push to
 * the tenant's next project. FCM and the token endpoints are WireMock; the gateway's internal API is a
 * WireMock answering with accounts sealed under this run's own key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TenantFcmProjectsTest {

    private static final String KEY = "key-" + UUID.randomUUID() + UUID.randomUUID();
    private static final SecretBox BOX = new SecretBox(KEY, null);
    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final WireMockServer FCM =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final WireMockServer TOKENS_A =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final WireMockServer TOKENS_B =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final WireMockServer GATEWAY =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        FCM.start();
        TOKENS_A.start();
        TOKENS_B.start();
        GATEWAY.start();
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        Path platform = FakeServiceAccount.write(
                Path.of("target", "fcm-" + TestNames.unique("sa") + ".json"), FCM.baseUrl() + "/token", "relay-test");
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("fcm.project-id", () -> "relay-test");
        registry.add("fcm.credentials-file", platform::toString);
        registry.add("fcm.api-base-url", FCM::baseUrl);
        registry.add("relay.gateway-admin-url", GATEWAY::baseUrl);
        registry.add("relay.providers.secrets-key", () -> KEY);
        // the tenants' token endpoints are on this machine: only these may be used at an internal address
        registry.add(
                "relay.providers.allowed-hosts",
                () -> "localhost:" + TOKENS_A.port() + ",localhost:" + TOKENS_B.port());
    }

    @AfterAll
    static void tearDown() {
        FCM.stop();
        TOKENS_A.stop();
        TOKENS_B.stop();
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

    private final JsonMapper json = JsonMapper.builder().build();

    record Project(String id, String tenant, String projectId, WireMockServer tokens, String accessToken) {}

    private static Project project(String tenant, WireMockServer tokens) {
        String accessToken = "ya29." + UUID.randomUUID();
        return new Project(
                "pa_" + UUID.randomUUID().toString().substring(0, 8),
                tenant,
                "proj-" + UUID.randomUUID().toString().substring(0, 8),
                tokens,
                accessToken);
    }

    private String sealed(Project p, String serviceAccount) {
        SecretBox.Sealed sealed = BOX.seal(
                json.writeValueAsString(Map.of("serviceAccountJson", serviceAccount)), p.tenant() + "|" + p.id());
        return "\"keyId\":\"%s\",\"wrappedKey\":\"%s\",\"secret\":\"%s\""
                .formatted(
                        sealed.keyId(),
                        Base64.getEncoder().encodeToString(sealed.wrappedKey()),
                        Base64.getEncoder().encodeToString(sealed.ciphertext()));
    }

    /** The project's own token endpoint gives its own access token; the gateway lists the tenant's projects. */
    private void connect(String tenant, Project... projects) {
        String refs = java.util.Arrays.stream(projects)
                .map(p -> "{\"id\":\"%s\",\"tenantId\":\"%s\",\"type\":\"fcm\",\"name\":\"n\",\"version\":1}"
                        .formatted(p.id(), p.tenant()))
                .collect(Collectors.joining(","));
        GATEWAY.stubFor(get(urlPathEqualTo("/internal/provider-accounts"))
                .withQueryParam("tenant", equalTo(tenant))
                .withQueryParam("channel", equalTo("push"))
                .willReturn(json("{\"usePlatformDefault\":false,\"accounts\":[" + refs + "]}")));
        for (Project p : projects) {
            String tokenPath = "/token-" + p.id();
            p.tokens()
                    .stubFor(post(urlPathEqualTo(tokenPath))
                            .willReturn(json("{\"access_token\":\"" + p.accessToken()
                                    + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")));
            String serviceAccount = FakeServiceAccount.json(p.tokens().baseUrl() + tokenPath, p.projectId());
            GATEWAY.stubFor(get(urlPathEqualTo("/internal/provider-accounts/" + p.id()))
                    .withHeader("X-Internal-Token", equalTo(Http.LOCAL_INTERNAL_TOKEN))
                    .willReturn(json("{\"id\":\"" + p.id() + "\",\"tenantId\":\"" + p.tenant()
                            + "\",\"type\":\"fcm\",\"channel\":\"push\",\"name\":\"n\",\"version\":1,"
                            + "\"config\":{\"projectId\":\"" + p.projectId() + "\"}," + sealed(p, serviceAccount)
                            + "}")));
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    /** FCM takes this project's pushes, authorised with its own access token only. */
    private static void fcmTakes(Project p) {
        FCM.stubFor(post(urlPathEqualTo("/v1/projects/" + p.projectId() + "/messages:send"))
                .withHeader("Authorization", equalTo("Bearer " + p.accessToken()))
                .willReturn(json("{\"name\":\"projects/" + p.projectId() + "/messages/" + UUID.randomUUID() + "\"}")));
    }

    @BeforeEach
    void setUp() {
        FCM.resetAll();
        GATEWAY.resetAll();
        TOKENS_A.resetAll();
        TOKENS_B.resetAll();
    }

    private String push(String tenant, String token) {
        String id = TestNames.unique("msg");
        PushDispatch push =
                new PushDispatch(id, "c-1", "appointments", List.of(token), "Hi", "Body", Map.of(), null, null);
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_DISPATCH_PUSH,
                Envelope.of(id, tenant, push, null, Instant.now()),
                Duration.ofSeconds(5));
        return id;
    }

    private DeliveryEvent event(String id) {
        return QueueProbe.take(
                        connection,
                        Queues.ROUTING_DELIVERY.name(),
                        got -> codec.decode(got.getProps(), got.getBody()).payload(),
                        DeliveryEvent.class,
                        e -> e.messageId().equals(id),
                        1,
                        Duration.ofSeconds(20))
                .getFirst();
    }

    @Test
    void twoBusinessesPushThroughTheirOwnProjectsWithTheirOwnServiceAccounts() {
        String tenantA = TestNames.unique("tenant-a");
        String tenantB = TestNames.unique("tenant-b");
        Project a = project(tenantA, TOKENS_A);
        Project b = project(tenantB, TOKENS_B);
        connect(tenantA, a);
        connect(tenantB, b);
        fcmTakes(a);
        fcmTakes(b);

        String toA = push(tenantA, "device-of-app-a");
        String toB = push(tenantB, "device-of-app-b");

        // both in one take: a probe drops what is not its own
        Map<String, String> providers = QueueProbe.take(
                        connection,
                        Queues.ROUTING_DELIVERY.name(),
                        got -> codec.decode(got.getProps(), got.getBody()).payload(),
                        DeliveryEvent.class,
                        e -> e.messageId().equals(toA) || e.messageId().equals(toB),
                        2,
                        Duration.ofSeconds(20))
                .stream()
                .collect(Collectors.toMap(DeliveryEvent::messageId, DeliveryEvent::provider));
        assertThat(providers).containsEntry(toA, "fcm:" + a.id()).containsEntry(toB, "fcm:" + b.id());
        assertThat(FCM.findAll(postRequestedFor(urlPathEqualTo("/v1/projects/" + a.projectId() + "/messages:send"))))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + a.accessToken());
                    assertThat(r.getBodyAsString()).contains("device-of-app-a").doesNotContain("device-of-app-b");
                });
        assertThat(FCM.findAll(postRequestedFor(urlPathEqualTo("/v1/projects/" + b.projectId() + "/messages:send"))))
                .singleElement()
                .satisfies(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + b.accessToken()));
        // the platform's project carried neither
        assertThat(FCM.findAll(postRequestedFor(urlPathEqualTo("/v1/projects/relay-test/messages:send"))))
                .isEmpty();
    }

    @Test
    void aTokenAnotherProjectOwnsMovesThePushToTheTenantsNextProject() {
        String tenant = TestNames.unique("tenant");
        Project oldApp = project(tenant, TOKENS_A);
        Project newApp = project(tenant, TOKENS_B);
        connect(tenant, oldApp, newApp);
        FCM.stubFor(post(urlPathEqualTo("/v1/projects/" + oldApp.projectId() + "/messages:send"))
                .willReturn(json("""
                        {"error":{"code":403,"message":"SenderId mismatch","status":"PERMISSION_DENIED",
                         "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"SENDER_ID_MISMATCH"}]}}""").withStatus(403)));
        fcmTakes(newApp);

        String id = push(tenant, "device-of-the-new-app");

        DeliveryEvent sent = event(id);
        assertThat(sent.status()).isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(sent.provider()).isEqualTo("fcm:" + newApp.id());
        assertThat(sent.reason()).contains("fcm:" + oldApp.id(), "SENDER_ID_MISMATCH");
    }

    @Test
    void aProjectIsCheckedByAskingForAnAccessTokenAndAnInternalTokenUriIsRefused() {
        Project p = project(TestNames.unique("tenant"), TOKENS_A);
        TOKENS_A.stubFor(post(urlPathEqualTo("/token-ok"))
                .willReturn(json("{\"access_token\":\"ya29.ok\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")));
        TOKENS_A.stubFor(post(urlPathEqualTo("/token-revoked"))
                .willReturn(json("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}")
                        .withStatus(400)));
        Http internal = new Http("http://localhost:" + port).header("X-Internal-Token", Http.LOCAL_INTERNAL_TOKEN);

        assertThat(internal.post("/internal/providers/check", check(p, TOKENS_A.baseUrl() + "/token-ok"))
                        .body())
                .isEqualTo("{\"ok\":true}");
        assertThat(internal.post("/internal/providers/check", check(p, TOKENS_A.baseUrl() + "/token-revoked"))
                        .body())
                .contains("\"ok\":false", "secrets.serviceAccountJson");
        // a token_uri inside our walls that is not a named simulator: never called
        assertThat(internal.post("/internal/providers/check", check(p, FCM.baseUrl() + "/token"))
                        .body())
                .contains("\"ok\":false", "token_uri");
        assertThat(FCM.getAllServeEvents()).isEmpty();
    }

    private String check(Project p, String tokenUri) {
        return "{\"accountId\":\"" + p.id() + "\",\"tenantId\":\"" + p.tenant()
                + "\",\"type\":\"fcm\",\"config\":{\"projectId\":\"" + p.projectId() + "\"},"
                + sealed(p, FakeServiceAccount.json(tokenUri, p.projectId())) + "}";
    }
}
