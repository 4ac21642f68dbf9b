package io.relay.sms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.MeterRegistry;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.SmsDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.Queues;
import io.relay.security.SecretBox;
import io.relay.testsupport.Http;
import io.relay.testsupport.QueueProbe;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.JedisPooled;

/**
 * Tenants' own Twilio accounts (issue 21): each tenant's SMS go through its own account with its own
 * credentials and sender, in its order, failing over only when the account did not take the message;
 * webhooks are checked with the account's own token and concern its tenant only. Twilio is WireMock (each
 * account its own path and credentials there); the gateway's internal API is a second WireMock answering with
 * accounts sealed under this run's own PROVIDER_SECRETS_KEY.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TenantTwilioAccountsTest {

    private static final String PLATFORM_SID = "AC" + hex32();
    private static final String PLATFORM_TOKEN = hex32();
    private static final String PUBLIC = "https://relay.test";
    private static final String KEY = "key-" + UUID.randomUUID() + UUID.randomUUID();
    private static final SecretBox BOX = new SecretBox(KEY, null);
    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final WireMockServer TWILIO =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final WireMockServer GATEWAY =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        TWILIO.start();
        GATEWAY.start();
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("twilio.account-sid", () -> PLATFORM_SID);
        registry.add("twilio.auth-token", () -> PLATFORM_TOKEN);
        registry.add("twilio.api-base-url", TWILIO::baseUrl);
        registry.add("twilio.from", () -> "+3197010000001");
        registry.add("relay.public-base-url", () -> PUBLIC);
        registry.add("relay.gateway-admin-url", GATEWAY::baseUrl);
        registry.add("relay.providers.secrets-key", () -> KEY);
    }

    @AfterAll
    static void tearDown() {
        TWILIO.stop();
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
    JedisPooled redis;

    @Autowired
    MeterRegistry meters;

    /** A tenant's Twilio account, as the gateway keeps it and as Twilio knows it. */
    record Account(String id, String tenant, String sid, String token, String number) {}

    private static String hex32() {
        return HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), 0, 16);
    }

    private static Account account(String tenant) {
        return new Account(
                "pa_" + UUID.randomUUID().toString().substring(0, 8),
                tenant,
                "AC" + hex32(),
                hex32(),
                "+3197010" + (100000 + (int) (Math.random() * 899999)));
    }

    /** The gateway's internal API: the tenant's accounts in this order, each sealed under this run's key. */
    private static void connect(String tenant, boolean usePlatformDefault, Account... accounts) {
        String refs = java.util.Arrays.stream(accounts)
                .map(a -> "{\"id\":\"%s\",\"tenantId\":\"%s\",\"type\":\"twilio\",\"name\":\"n\",\"version\":1}"
                        .formatted(a.id(), a.tenant()))
                .collect(Collectors.joining(","));
        GATEWAY.stubFor(get(urlPathEqualTo("/internal/provider-accounts"))
                .withQueryParam("tenant", equalTo(tenant))
                .withQueryParam("channel", equalTo("sms"))
                .withHeader("X-Internal-Token", equalTo(Http.LOCAL_INTERNAL_TOKEN))
                .willReturn(json("{\"usePlatformDefault\":" + usePlatformDefault + ",\"accounts\":[" + refs + "]}")));
        for (Account a : accounts) {
            SecretBox.Sealed sealed = BOX.seal("{\"authToken\":\"" + a.token() + "\"}", a.tenant() + "|" + a.id());
            GATEWAY.stubFor(get(urlPathEqualTo("/internal/provider-accounts/" + a.id()))
                    .withHeader("X-Internal-Token", equalTo(Http.LOCAL_INTERNAL_TOKEN))
                    .willReturn(json("""
                            {"id":"%s","tenantId":"%s","type":"twilio","channel":"sms","name":"n","version":1,
                             "config":{"accountSid":"%s","from":["%s"]},
                             "keyId":"%s","wrappedKey":"%s","secret":"%s"}""".formatted(
                                    a.id(),
                                    a.tenant(),
                                    a.sid(),
                                    a.number(),
                                    sealed.keyId(),
                                    Base64.getEncoder().encodeToString(sealed.wrappedKey()),
                                    Base64.getEncoder().encodeToString(sealed.ciphertext())))));
            GATEWAY.stubFor(get(urlPathEqualTo("/internal/provider-accounts"))
                    .withQueryParam("twilioAccountSid", equalTo(a.sid()))
                    .willReturn(json(
                            "{\"accounts\":[{\"id\":\"%s\",\"tenantId\":\"%s\",\"type\":\"twilio\",\"name\":\"n\",\"version\":1}]}"
                                    .formatted(a.id(), a.tenant()))));
        }
    }

    /** Twilio takes SMS for this account, with its own credentials only. */
    private static void twilioTakes(Account a) {
        TWILIO.stubFor(post(urlPathEqualTo("/2010-04-01/Accounts/" + a.sid() + "/Messages.json"))
                .withBasicAuth(a.sid(), a.token())
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\":\"SM" + hex32() + "\",\"status\":\"queued\",\"account_sid\":\"" + a.sid()
                                + "\"}")));
    }

    /** Twilio refuses this account's SMS with its error {@code code} and HTTP {@code status}. */
    private static void twilioRefuses(Account a, int status, int code, String message) {
        TWILIO.stubFor(post(urlPathEqualTo("/2010-04-01/Accounts/" + a.sid() + "/Messages.json"))
                .willReturn(json("{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":" + status + "}")
                        .withStatus(status)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    private static List<LoggedRequest> creates(Account a) {
        return TWILIO.findAll(postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + a.sid() + "/Messages.json")));
    }

    @BeforeEach
    void setUp() {
        TWILIO.resetAll();
        GATEWAY.resetAll();
    }

    private String send(String tenant, String to) {
        String id = TestNames.unique("msg");
        SmsDispatch sms = new SmsDispatch(id, "c-1", "appointments", to, null, "See you at 09:30 " + id, null, null);
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_DISPATCH_SMS,
                Envelope.of(id, tenant, sms, null, Instant.now()),
                Duration.ofSeconds(5));
        return id;
    }

    private List<DeliveryEvent> events(java.util.function.Predicate<DeliveryEvent> mine, int count) {
        return QueueProbe.take(
                connection,
                Queues.ROUTING_DELIVERY.name(),
                got -> codec.decode(got.getProps(), got.getBody()).payload(),
                DeliveryEvent.class,
                mine,
                count,
                Duration.ofSeconds(20));
    }

    @Test
    void twoTenantsSendThroughTheirOwnAccountsAndNeverThroughEachOthers() {
        String tenantA = TestNames.unique("tenant-a");
        String tenantB = TestNames.unique("tenant-b");
        Account a = account(tenantA);
        Account b = account(tenantB);
        connect(tenantA, false, a);
        connect(tenantB, false, b);
        twilioTakes(a);
        twilioTakes(b);

        String toA = send(tenantA, "+31611111111");
        String toB = send(tenantB, "+31622222222");

        List<DeliveryEvent> sent =
                events(e -> e.messageId().equals(toA) || e.messageId().equals(toB), 2);
        assertThat(sent).extracting(DeliveryEvent::status).containsOnly(DeliveryEvent.Status.SENT);
        assertThat(sent.stream()
                        .filter(e -> e.messageId().equals(toA))
                        .findFirst()
                        .orElseThrow()
                        .provider())
                .isEqualTo("twilio:" + a.id());
        assertThat(sent.stream()
                        .filter(e -> e.messageId().equals(toB))
                        .findFirst()
                        .orElseThrow()
                        .provider())
                .isEqualTo("twilio:" + b.id());
        assertThat(creates(a)).singleElement().satisfies(r -> {
            assertThat(r.getBodyAsString())
                    .contains(toA, "From=" + URLEncoder.encode(a.number(), StandardCharsets.UTF_8));
            assertThat(r.getBodyAsString()).doesNotContain(toB);
        });
        assertThat(creates(b))
                .singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains(toB).doesNotContain(toA));
        // the platform's account carried neither
        assertThat(TWILIO.findAll(
                        postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + PLATFORM_SID + "/Messages.json"))))
                .isEmpty();
    }

    @Test
    void anAccountThatAnswersWithAnErrorOrRefusesOurCredentialsIsFailedOverToTheNextOnce() {
        String tenant = TestNames.unique("tenant");
        Account broken = account(tenant);
        Account locked = account(tenant);
        Account backup = account(tenant);
        connect(tenant, false, broken, locked, backup);
        twilioRefuses(broken, 500, 20500, "Internal Server Error");
        twilioRefuses(locked, 401, 20003, "Authenticate");
        twilioTakes(backup);
        double unauthorisedBefore = misconfigured("twilio:" + locked.id());

        String id = send(tenant, "+31633333333");

        DeliveryEvent sent = events(e -> e.messageId().equals(id), 1).getFirst();
        assertThat(sent.status()).isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(sent.provider()).isEqualTo("twilio:" + backup.id());
        assertThat(sent.reason()).contains("twilio:" + broken.id(), "twilio:" + locked.id());
        assertThat(creates(backup)).hasSize(1);
        assertThat(creates(broken)).isNotEmpty(); // tried (and retried) before the failover
        assertThat(misconfigured("twilio:" + locked.id())).isGreaterThan(unauthorisedBefore);
        assertThat(meters.get("relay.provider.failovers")
                        .tag("provider", "twilio:" + broken.id())
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void aSenderTheFirstAccountDoesNotOwnMovesTheSmsToTheNextButTheLastAccountsRefusalIsFinal() {
        String tenant = TestNames.unique("tenant");
        Account strange = account(tenant);
        Account own = account(tenant);
        connect(tenant, false, strange, own);
        twilioRefuses(
                strange,
                400,
                21606,
                "The From phone number is not a valid, SMS-capable inbound phone number or short code for your account.");
        twilioTakes(own);

        String id = send(tenant, "+31666666666");

        DeliveryEvent sent = events(e -> e.messageId().equals(id), 1).getFirst();
        assertThat(sent.provider()).isEqualTo("twilio:" + own.id());
        assertThat(sent.reason()).contains("21606");

        String alone = TestNames.unique("tenant");
        Account only = account(alone);
        connect(alone, false, only);
        twilioRefuses(only, 400, 21606, "not your number");
        String refused = send(alone, "+31666666667");
        DeliveryEvent failed = events(e -> e.messageId().equals(refused), 1).getFirst();
        assertThat(failed.status()).isEqualTo(DeliveryEvent.Status.FAILED);
        assertThat(failed.code()).isEqualTo("21606");
    }

    @Test
    void aLaterAccountsRefusalOfItsOwnIsNotFinalWhileAnEarlierAccountIsOnlyTroubled() {
        String tenant = TestNames.unique("tenant");
        Account troubled = account(tenant);
        Account notItsSender = account(tenant);
        connect(tenant, false, troubled, notItsSender);
        twilioRefuses(troubled, 500, 20500, "Internal Server Error");
        twilioRefuses(notItsSender, 400, 21606, "not your number");

        String id = send(tenant, "+31666666668");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> !creates(notItsSender).isEmpty());
        twilioTakes(troubled); // the first account recovers: the retry queue brings the message back to it

        DeliveryEvent sent = events(e -> e.messageId().equals(id), 1).getFirst();
        assertThat(sent.status()).as("not failed by the second account's 21606").isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(sent.provider()).isEqualTo("twilio:" + troubled.id());
    }

    private double misconfigured(String provider) {
        var counter = meters.find("relay.provider.misconfigured")
                .tag("provider", provider)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anAttemptWhoseOutcomeIsUnknownIsAskedOfItsOwnAccountAndRetriedThereFirst() {
        String tenant = TestNames.unique("tenant");
        Account first = account(tenant);
        Account tried = account(tenant);
        connect(tenant, false, first, tried);
        twilioTakes(first);
        twilioTakes(tried);
        // a crash after an attempt through the second account: Twilio's list of it shows nothing taken
        String id = TestNames.unique("msg");
        redis.set("sms:" + tenant + ":attempt:" + id, Instant.now().minusSeconds(60) + "|" + tried.id());
        TWILIO.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/" + tried.sid() + "/Messages.json"))
                .willReturn(json("{\"messages\":[],\"end\":0,\"first_page_uri\":null,\"next_page_uri\":null,\"page\":0,"
                        + "\"page_size\":50,\"previous_page_uri\":null,\"start\":0,\"uri\":\"/x\"}")));

        SmsDispatch sms = new SmsDispatch(id, "c-1", "appointments", "+31644444444", null, "Hello", null, null);
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_DISPATCH_SMS,
                Envelope.of(id, tenant, sms, null, Instant.now()),
                Duration.ofSeconds(5));

        DeliveryEvent sent = events(e -> e.messageId().equals(id), 1).getFirst();
        assertThat(sent.provider()).isEqualTo("twilio:" + tried.id());
        TWILIO.verify(getRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + tried.sid() + "/Messages.json")));
        assertThat(creates(tried)).hasSize(1);
        assertThat(creates(first)).isEmpty();
    }

    @Test
    void aTenantThatTurnedThePlatformDefaultOffWithNoAccountOfItsOwnGetsAFailureNotThePlatformsAccount() {
        String tenant = TestNames.unique("tenant");
        connect(tenant, false);

        String id = send(tenant, "+31655555555");

        DeliveryEvent failed = events(e -> e.messageId().equals(id), 1).getFirst();
        assertThat(failed.status()).isEqualTo(DeliveryEvent.Status.FAILED);
        assertThat(failed.code()).isEqualTo("no-provider");
        assertThat(TWILIO.findAll(
                        postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + PLATFORM_SID + "/Messages.json"))))
                .isEmpty();
    }

    private static String sign(String token, String url, Map<String, String> params) throws Exception {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> webhook(String pathAndQuery, Map<String, String> params, String signature)
            throws Exception {
        String form = params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStatusCallbackCountsOnlyWhenSignedWithItsOwnAccountsTokenAndForItsOwnTenant() throws Exception {
        String tenantA = TestNames.unique("tenant-a");
        String tenantB = TestNames.unique("tenant-b");
        Account a = account(tenantA);
        Account b = account(tenantB);
        connect(tenantA, false, a);
        connect(tenantB, false, b);
        String id = TestNames.unique("msg");
        String path = "/webhooks/twilio/status?m=" + id + "&t=" + tenantA;
        Map<String, String> status = Map.of("MessageSid", "SM1", "MessageStatus", "delivered", "AccountSid", a.sid());

        // B's token, the platform's, or B's account naming A's tenant: refused, nothing published
        assertThat(webhook(path, status, sign(b.token(), PUBLIC + path, status)).statusCode())
                .isEqualTo(403);
        assertThat(webhook(path, status, sign(PLATFORM_TOKEN, PUBLIC + path, status))
                        .statusCode())
                .isEqualTo(403);
        Map<String, String> asB = Map.of("MessageSid", "SM1", "MessageStatus", "delivered", "AccountSid", b.sid());
        assertThat(webhook(path, asB, sign(b.token(), PUBLIC + path, asB)).statusCode())
                .isEqualTo(204);
        // A's own: delivered
        assertThat(webhook(path, status, sign(a.token(), PUBLIC + path, status)).statusCode())
                .isEqualTo(204);

        List<DeliveryEvent> events = events(e -> e.messageId().equals(id), 1);
        assertThat(events)
                .singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(DeliveryEvent.Status.DELIVERED));
        // every webhook above answered after its events were confirmed: what is not queued now never will be
        assertThat(leftover(Queues.ROUTING_DELIVERY.name(), id))
                .as("B's account's callback naming A's tenant changed nothing")
                .isZero();
    }

    @Test
    void webhooksNamingAnAccountNobodyConnectedAreRefusedAndTheGatewayIsAskedOnce() throws Exception {
        String stranger = "AC" + hex32();
        GATEWAY.stubFor(get(urlPathEqualTo("/internal/provider-accounts"))
                .withQueryParam("twilioAccountSid", equalTo(stranger))
                .willReturn(json("{\"accounts\":[]}")));
        String path = "/webhooks/twilio/inbound";
        for (int i = 0; i < 5; i++) {
            Map<String, String> stop =
                    Map.of("From", "+3161000000" + i, "To", "+3197010999999", "Body", "STOP", "AccountSid", stranger);
            assertThat(webhook(path, stop, sign(hex32(), PUBLIC + path, stop)).statusCode())
                    .isEqualTo(403);
        }
        assertThat(GATEWAY.findAll(getRequestedFor(urlPathEqualTo("/internal/provider-accounts"))
                        .withQueryParam("twilioAccountSid", equalTo(stranger))))
                .as("five webhooks within PROVIDER_ACCOUNTS_CACHE_TTL, one question to the gateway")
                .hasSize(1);
    }

    @Test
    void stopToATenantsOwnNumberOptsOutWithThatTenantOnly() throws Exception {
        String tenantA = TestNames.unique("tenant-a");
        Account a = account(tenantA);
        connect(tenantA, false, a);
        String path = "/webhooks/twilio/inbound";
        String customer = "+3161" + (1000000 + (int) (Math.random() * 8999999));
        Map<String, String> stop = Map.of("From", customer, "To", a.number(), "Body", "STOP", "AccountSid", a.sid());

        assertThat(webhook(path, stop, sign(PLATFORM_TOKEN, PUBLIC + path, stop))
                        .statusCode())
                .isEqualTo(403);
        assertThat(webhook(path, stop, sign(a.token(), PUBLIC + path, stop)).statusCode())
                .isEqualTo(200);

        List<Object> optOuts = QueueProbe.take(
                connection,
                Queues.PREFERENCE_CONTACT.name(),
                got -> codec.decode(got.getProps(), got.getBody()),
                Object.class,
                e -> e instanceof Envelope<?> env
                        && env.payload() instanceof ContactEvent c
                        && c.address().equals(customer),
                1,
                Duration.ofSeconds(5));
        assertThat(optOuts).singleElement().satisfies(e -> {
            assertThat(((Envelope<?>) e).tenantId()).isEqualTo(tenantA);
            assertThat(((ContactEvent) ((Envelope<?>) e).payload()).kind()).isEqualTo(ContactEvent.Kind.SMS_OPT_OUT);
        });
        assertThat(leftover(Queues.PREFERENCE_CONTACT.name(), customer))
                .as("no other tenant was opted out")
                .isZero();
        // the platform's sender map was never asked: the number is the tenant's own
        assertThat(GATEWAY.findAll(getRequestedFor(urlPathEqualTo("/internal/sms-senders"))))
                .isEmpty();
    }

    /** How many messages about {@code subject} are still on the queue (it is emptied: they are this test's). */
    private int leftover(String queue, String subject) throws Exception {
        int found = 0;
        try (com.rabbitmq.client.Channel channel = connection.createChannel()) {
            for (com.rabbitmq.client.GetResponse got = channel.basicGet(queue, true);
                    got != null;
                    got = channel.basicGet(queue, true)) {
                if (new String(got.getBody(), StandardCharsets.UTF_8).contains(subject)) {
                    found++;
                }
            }
        }
        return found;
    }

    @Test
    void savedCredentialsAreCheckedWithTwilioWithoutSendingAnything() {
        Account a = account(TestNames.unique("tenant"));
        TWILIO.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/" + a.sid() + ".json"))
                .withBasicAuth(a.sid(), a.token())
                .willReturn(json("{\"sid\":\"" + a.sid() + "\",\"status\":\"active\",\"friendly_name\":\"A\"}")));
        TWILIO.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/" + a.sid() + ".json"))
                .atPriority(10)
                .willReturn(json("{\"code\":20003,\"message\":\"Authenticate\",\"status\":401}")
                        .withStatus(401)));
        Http internal = new Http("http://localhost:" + port).header("X-Internal-Token", Http.LOCAL_INTERNAL_TOKEN);

        assertThat(internal.post("/internal/providers/check", check(a, a.token()))
                        .body())
                .isEqualTo("{\"ok\":true}");
        HttpResponse<String> wrong = internal.post("/internal/providers/check", check(a, hex32()));
        assertThat(wrong.body()).contains("\"ok\":false", "secrets.authToken");
        assertThat(new Http("http://localhost:" + port)
                        .post("/internal/providers/check", check(a, a.token()))
                        .statusCode())
                .isEqualTo(401);
        assertThat(TWILIO.findAll(
                        postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + a.sid() + "/Messages.json"))))
                .isEmpty();
    }

    private static String check(Account a, String token) {
        SecretBox.Sealed sealed = BOX.seal("{\"authToken\":\"" + token + "\"}", a.tenant() + "|" + a.id());
        return """
                {"accountId":"%s","tenantId":"%s","type":"twilio","config":{"accountSid":"%s","from":["%s"]},
                 "keyId":"%s","wrappedKey":"%s","secret":"%s"}""".formatted(
                        a.id(),
                        a.tenant(),
                        a.sid(),
                        a.number(),
                        sealed.keyId(),
                        Base64.getEncoder().encodeToString(sealed.wrappedKey()),
                        Base64.getEncoder().encodeToString(sealed.ciphertext()));
    }
}
