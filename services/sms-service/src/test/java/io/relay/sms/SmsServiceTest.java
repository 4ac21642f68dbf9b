package io.relay.sms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.rabbitmq.client.Connection;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.Appointment;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.SmsDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueSpec;
import io.relay.messaging.Queues;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * sms-service against the real broker (own vhost) and Redis, with Twilio simulated at the wire by
 * WireMock using the same stubs as the local simulator (infra/wiremock, shaped after Twilio's
 * OpenAPI description), including Twilio's real error bodies.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SmsServiceTest {

    private static final String SID = "AC00000000000000000000000000000001";
    private static final String TOKEN = "test-auth-token-123";
    private static final String FROM = "+3197010000001";
    private static final String PUBLIC = "https://relay.test";
    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final WireMockServer TWILIO = new WireMockServer(
            WireMockConfiguration.options().dynamicPort().usingFilesUnderDirectory("../../infra/wiremock"));

    static {
        TWILIO.start();
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("twilio.account-sid", () -> SID);
        registry.add("twilio.auth-token", () -> TOKEN);
        registry.add("twilio.api-base-url", TWILIO::baseUrl);
        registry.add("twilio.from", () -> FROM);
        registry.add("relay.public-base-url", () -> PUBLIC);
        registry.add("relay.gateway-admin-url", TWILIO::baseUrl);
        registry.add("relay.channel.parked-replay-interval", () -> "1s");
    }

    /** How far this test's clock runs ahead of the machine's: a test moves it, never sleeps. */
    private static final java.util.concurrent.atomic.AtomicReference<Duration> AHEAD =
            new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);

    @org.springframework.boot.test.context.TestConfiguration
    static class MovableClock {
        @org.springframework.context.annotation.Bean
        @org.springframework.context.annotation.Primary
        java.time.Clock clock() {
            return new java.time.Clock() {
                @Override
                public Instant instant() {
                    return Instant.now().plus(AHEAD.get());
                }

                @Override
                public java.time.ZoneId getZone() {
                    return java.time.ZoneOffset.UTC;
                }

                @Override
                public java.time.Clock withZone(java.time.ZoneId zone) {
                    return this;
                }
            };
        }
    }

    @AfterAll
    static void tearDown() {
        TWILIO.stop();
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
    io.relay.resilience.ProviderResilience twilioResilience;

    private String tenant;

    @BeforeEach
    void setUp() {
        TWILIO.resetRequests();
        TWILIO.resetToDefaultMappings(); // the shared stubs from infra/wiremock
        // the gateway: no tenant here has accounts of its own, so every SMS goes through the platform's
        TWILIO.stubFor(get(urlPathMatching("/internal/provider-accounts"))
                .withHeader("X-Internal-Token", equalTo(io.relay.testsupport.Http.LOCAL_INTERNAL_TOKEN))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"usePlatformDefault\":true,\"accounts\":[]}")));
        twilioResilience.breaker().reset();
        tenant = TestNames.unique("tenant");
    }

    private SmsDispatch sms(String id, String to) {
        return new SmsDispatch(id, "c-1", "appointments", to, null, "See you at 09:30", null, null);
    }

    private void dispatch(SmsDispatch sms) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_DISPATCH_SMS,
                Envelope.of(sms.messageId(), tenant, sms, null, Instant.now()),
                Duration.ofSeconds(5));
    }

    /** This message's events on a queue (others are dropped, as a consumer would skip them). */
    private <T> List<T> events(
            QueueSpec queue, Class<T> type, java.util.function.Predicate<T> mine, int count, Duration within) {
        return QueueProbe.take(
                connection,
                queue.name(),
                got -> codec.decode(got.getProps(), got.getBody()).payload(),
                type,
                mine,
                count,
                within);
    }

    private List<DeliveryEvent> deliveryEvents(String id, int count) throws Exception {
        return events(
                Queues.ROUTING_DELIVERY,
                DeliveryEvent.class,
                e -> e.messageId().equals(id),
                count,
                Duration.ofSeconds(15));
    }

    private int creates(String to) {
        return TWILIO.findAll(postRequestedFor(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                        .withRequestBody(containing("To=" + URLEncoder.encode(to, StandardCharsets.UTF_8))))
                .size();
    }

    @Test
    void anSmsReachesTwilioInTheShapeItsApiAcceptsAndASentEventGoesBack() throws Exception {
        String id = TestNames.unique("msg");
        dispatch(new SmsDispatch(
                id,
                "c-1",
                "appointments",
                "+31612345678",
                null,
                "See you at 09:30",
                new Appointment("apt-1", "Check-up", null, null, null, "https://acme.example/r/1"),
                null));

        DeliveryEvent sent = deliveryEvents(id, 1).getFirst();

        assertThat(sent.status()).isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(sent.providerMessageId()).matches("SM[0-9a-fA-F]{32}");
        TWILIO.verify(
                1,
                postRequestedFor(urlPathMatching("/2010-04-01/Accounts/" + SID + "/Messages.json"))
                        .withHeader("Authorization", matching("Basic .+"))
                        .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                        .withFormParam("To", equalTo("+31612345678"))
                        .withFormParam("From", equalTo(FROM))
                        .withFormParam("Body", equalTo("See you at 09:30\nReschedule: https://acme.example/r/1"))
                        .withFormParam(
                                "StatusCallback",
                                equalTo(PUBLIC + "/webhooks/twilio/status?m=" + id + "&t=" + tenant)));
    }

    @Test
    void anInvalidNumberFailsForGoodAndTheContactIsReportedBad() throws Exception {
        String id = TestNames.unique("msg");
        dispatch(sms(id, "+15005550001")); // Twilio's magic invalid number: 400, error 21211

        DeliveryEvent failed = deliveryEvents(id, 1).getFirst();

        assertThat(failed.status()).isEqualTo(DeliveryEvent.Status.FAILED);
        assertThat(failed.code()).isEqualTo("21211");
        ContactEvent contact = events(
                        Queues.PREFERENCE_CONTACT,
                        ContactEvent.class,
                        e -> e.address().equals("+15005550001"),
                        1,
                        Duration.ofSeconds(10))
                .getFirst();
        assertThat(contact.kind()).isEqualTo(ContactEvent.Kind.PHONE_INVALID);
        assertThat(creates("+15005550001"))
                .as("a permanent error is not retried")
                .isEqualTo(1);
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void wrongCredentialsAtTwilioKeepTheMessageWaitingInsteadOfFailingItAndTheAlarmCounts() throws Exception {
        var authenticationRefused = TWILIO.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                .atPriority(1)
                .withFormParam("To", equalTo("+31622222222"))
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":20003,\"message\":\"Authenticate\","
                                + "\"more_info\":\"https://www.twilio.com/docs/errors/20003\",\"status\":401}")));
        double before = misconfigured();
        String id = TestNames.unique("msg");

        dispatch(sms(id, "+31622222222"));
        await().atMost(Duration.ofSeconds(10)).until(() -> misconfigured() > before);
        // the operator fixes the account: the waiting message goes out, and nothing failed in between
        TWILIO.removeStub(authenticationRefused);

        DeliveryEvent first = deliveryEvents(id, 1).getFirst();
        // a refusal would have published failed (and, for a bad number, the contact event) first
        assertThat(first.status())
                .as("not failed, not moved to another channel, the number not blamed")
                .isEqualTo(DeliveryEvent.Status.SENT);
    }

    private double misconfigured() {
        var counter = meters.find("relay.provider.misconfigured")
                .tag("provider", "twilio")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aDispatchTwilioCouldNotTakeForTheWholeDeliveryMaxAgeFailsSoRoutingCanFallBack() throws Exception {
        TWILIO.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                .atPriority(1)
                .withFormParam("To", equalTo("+31633300033"))
                .willReturn(aResponse().withStatus(503)));
        String id = TestNames.unique("msg");
        dispatch(sms(id, "+31633300033"));
        await().atMost(Duration.ofSeconds(10)).until(() -> creates("+31633300033") >= 1);

        try {
            AHEAD.set(Duration.ofHours(24).plusMinutes(1)); // DELIVERY_MAX_AGE after the dispatch was made
            DeliveryEvent ended = deliveryEvents(id, 1).getFirst();

            assertThat(ended.status()).isEqualTo(DeliveryEvent.Status.FAILED);
            assertThat(ended.code()).isEqualTo("undeliverable");
            assertThat(ended.reason()).contains("Twilio could not take it within PT24H");
        } finally {
            AHEAD.set(Duration.ZERO);
        }
    }

    @Test
    void aDispatchParkedWhenItsRetriesRanOutGoesBackToItsQueueByItselfOthersStayForAnOperator() throws Exception {
        String id = TestNames.unique("msg");
        String unreadable = TestNames.unique("msg");
        try (com.rabbitmq.client.Channel channel = connection.createChannel()) {
            channel.confirmSelect(); // both in the parking queue before anything looks
            Envelope<Object> envelope = Envelope.of(id, tenant, sms(id, "+31633300034"), null, Instant.now());
            var props = codec.properties(envelope);
            java.util.Map<String, Object> headers = new java.util.HashMap<>(props.getHeaders());
            headers.put(io.relay.messaging.QueueConsumer.H_PARKED_REASON, "attempts exhausted: Twilio answered 503");
            channel.basicPublish(
                    "", "sms.dispatch.parking", props.builder().headers(headers).build(), codec.body(envelope));
            channel.basicPublish(
                    "",
                    "sms.dispatch.parking",
                    new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                            .messageId(unreadable)
                            .headers(java.util.Map.of(io.relay.messaging.QueueConsumer.H_PARKED_REASON, "unreadable"))
                            .build(),
                    "not an envelope".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        }

        assertThat(deliveryEvents(id, 1).getFirst().status()).isEqualTo(DeliveryEvent.Status.SENT);
        // the unreadable one waits for an operator; the sent one is not parked any more
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<String> stillParked = parked();
            return stillParked.contains(unreadable) && !stillParked.contains(id);
        });
    }

    @Test
    void aNumberOnTheSuppressionListIsNotSentToEvenFromTheRetryQueue() throws Exception {
        // preference-service put it there (a STOP) after the message was dispatched
        redis.set(io.relay.contracts.Suppressions.redisKey(tenant, "sms", "+31655500055"), "STOP");
        String id = TestNames.unique("msg");

        dispatch(sms(id, "+31655500055"));

        DeliveryEvent failed = deliveryEvents(id, 1).getFirst();
        assertThat(failed.status()).isEqualTo(DeliveryEvent.Status.FAILED);
        assertThat(failed.code()).isEqualTo("suppressed");
        assertThat(creates("+31655500055")).as("Twilio never asked").isZero();
    }

    private void park(SmsDispatch sms, String reason) throws Exception {
        try (com.rabbitmq.client.Channel channel = connection.createChannel()) {
            channel.confirmSelect(); // in the parking queue before anything looks
            Envelope<Object> envelope = Envelope.of(sms.messageId(), tenant, sms, null, Instant.now());
            var props = codec.properties(envelope);
            java.util.Map<String, Object> headers = new java.util.HashMap<>(props.getHeaders());
            headers.put(io.relay.messaging.QueueConsumer.H_PARKED_REASON, reason);
            channel.basicPublish(
                    "", "sms.dispatch.parking", props.builder().headers(headers).build(), codec.body(envelope));
            channel.waitForConfirmsOrDie(5_000);
        }
    }

    /**
     * What the parking queue holds now. The replay of parked dispatches (ParkedDispatches) takes the queue's
     * messages for a moment every round and puts back those it does not replay, so a look can miss some:
     * a test waits for what it expects rather than looking once.
     */
    private List<String> parked() throws Exception {
        List<String> ids = new ArrayList<>();
        try (com.rabbitmq.client.Channel channel = connection.createChannel()) {
            com.rabbitmq.client.GetResponse got;
            while ((got = channel.basicGet("sms.dispatch.parking", false)) != null) {
                ids.add(got.getProps().getMessageId());
            } // unacked: back in the queue when the channel closes
        }
        return ids;
    }

    @Test
    void anErasedCustomersParkedDispatchesAreDeletedAndOthersStay() throws Exception {
        String theirs = TestNames.unique("msg");
        String someoneElses = TestNames.unique("msg");
        park(new SmsDispatch(theirs, "c-erased", "appointments", "+31633300077", null, "Hi", null, null), "rejected");
        park(
                new SmsDispatch(someoneElses, "c-stays", "appointments", "+31633300078", null, "Hi", null, null),
                "rejected");
        await().atMost(Duration.ofSeconds(10)).until(() -> parked().containsAll(List.of(theirs, someoneElses)));

        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_CUSTOMER_ERASED,
                Envelope.of(
                        TestNames.unique("erase"),
                        tenant,
                        new io.relay.contracts.payload.CustomerErased("c-erased", Instant.now(), "erased:x"),
                        null,
                        Instant.now()),
                Duration.ofSeconds(5));

        // the erased customer's dispatch deleted; another customer's stays, for an operator
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<String> now = parked();
            return !now.contains(theirs) && now.contains(someoneElses);
        });
    }

    @Test
    void aDispatchForACustomerErasedSinceIsNotSentEvenFromTheRetryQueue() throws Exception {
        String id = TestNames.unique("msg");
        SmsDispatch dispatch = sms(id, "+31655500066");
        // preference-service erased the customer after the message was dispatched
        redis.set(io.relay.contracts.Suppressions.erasedKey(tenant, dispatch.customerId()), "erased");

        dispatch(dispatch);

        DeliveryEvent failed = deliveryEvents(id, 1).getFirst();
        assertThat(failed.status()).isEqualTo(DeliveryEvent.Status.FAILED);
        assertThat(failed.code()).isEqualTo("erased");
        assertThat(creates("+31655500066")).as("Twilio never asked").isZero();
    }

    @Test
    void aNumberThatOptedOutAtTwilioIsReportedOptedOut() throws Exception {
        TWILIO.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                .atPriority(1)
                .withFormParam("To", equalTo("+31611111111"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":21610,\"message\":\"Attempt to send to unsubscribed recipient\","
                                + "\"more_info\":\"https://www.twilio.com/docs/errors/21610\",\"status\":400}")));
        String id = TestNames.unique("msg");

        dispatch(sms(id, "+31611111111"));

        assertThat(deliveryEvents(id, 1).getFirst().code()).isEqualTo("21610");
        assertThat(events(
                                Queues.PREFERENCE_CONTACT,
                                ContactEvent.class,
                                e -> e.address().equals("+31611111111"),
                                1,
                                Duration.ofSeconds(10))
                        .getFirst()
                        .kind())
                .isEqualTo(ContactEvent.Kind.SMS_OPT_OUT);
    }

    @Test
    void aTransientTwilioErrorIsRetriedAndTheSmsGoesOnce() throws Exception {
        TWILIO.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                .atPriority(1)
                .inScenario("blip")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(
                        aResponse()
                                .withStatus(500)
                                .withHeader("Content-Type", "application/json")
                                .withBody(
                                        "{\"code\":20500,\"message\":\"An internal server error has occurred\",\"status\":500}"))
                .willSetStateTo("up"));
        String id = TestNames.unique("msg");

        dispatch(sms(id, "+31622222222"));

        assertThat(deliveryEvents(id, 1).getFirst().status()).isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(creates("+31622222222")).as("one failed try, one success").isEqualTo(2);
    }

    @Test
    void aRedeliveredDispatchReachesTwilioOnce() throws Exception {
        String id = TestNames.unique("msg");
        dispatch(sms(id, "+31633333333"));
        deliveryEvents(id, 1);

        dispatch(sms(id, "+31633333333"));

        assertThat(deliveryEvents(id, 1).getFirst().status()).isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(creates("+31633333333")).isEqualTo(1);
    }

    @Test
    void anAttemptCutShortByACrashIsReconciledWithTwilioInsteadOfSentAgain() throws Exception {
        String id = TestNames.unique("msg");
        redis.set(
                "sms:" + tenant + ":attempt:" + id,
                Instant.now().minusSeconds(30).toString());
        TWILIO.stubFor(get(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                .withQueryParam("To", equalTo("+31644444444"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"messages":[{"sid":"SM11111111111111111111111111111111","to":"+31644444444",
                                  "from":"%s","body":"See you at 09:30","status":"sent",
                                  "date_created":"%s"}],
                                 "end":0,"first_page_uri":null,"next_page_uri":null,"page":0,"page_size":50,
                                 "previous_page_uri":null,"start":0,"uri":"/x"}
                                """.formatted(
                                        FROM,
                                        java.time.format.DateTimeFormatter.ofPattern(
                                                        "EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.US)
                                                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                                                        .minusSeconds(20))))));

        dispatch(sms(id, "+31644444444"));

        DeliveryEvent sent = deliveryEvents(id, 1).getFirst();
        assertThat(sent.providerMessageId()).isEqualTo("SM11111111111111111111111111111111");
        assertThat(creates("+31644444444")).isZero();
    }

    @Test
    void aProviderOutageOpensTheBreakerAndEveryMessageIsSentAfterItRecovers() throws Exception {
        TWILIO.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                .atPriority(1)
                .willReturn(aResponse()
                        .withStatus(503)
                        .withBody("{\"code\":20503,\"message\":\"unavailable\",\"status\":503}")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = TestNames.unique("msg");
            ids.add(id);
            dispatch(sms(id, "+316555555" + String.format("%02d", i)));
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> twilioResilience.breaker().getState() == CircuitBreaker.State.OPEN);
        TWILIO.resetToDefaultMappings(); // Twilio is back

        List<DeliveryEvent> sent = events(
                Queues.ROUTING_DELIVERY,
                DeliveryEvent.class,
                e -> ids.contains(e.messageId()) && e.status() == DeliveryEvent.Status.SENT,
                12,
                Duration.ofSeconds(60));
        assertThat(sent.stream().map(DeliveryEvent::messageId).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    // Twilio's signature: base64(HMAC-SHA1(auth token, URL + each posted name and value, names sorted))
    private static String sign(String url, Map<String, String> params) throws Exception {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
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
    void aSignedStatusCallbackMovesTheMessageToDeliveredAndAForgedOneChangesNothing() throws Exception {
        String id = TestNames.unique("msg");
        String path = "/webhooks/twilio/status?m=" + id + "&t=" + tenant;
        Map<String, String> params = Map.of("MessageSid", "SM123", "MessageStatus", "delivered", "AccountSid", SID);

        assertThat(webhook(path, params, "forged").statusCode()).isEqualTo(403);
        assertThat(webhook(path, params, sign(PUBLIC + path, params)).statusCode())
                .isEqualTo(204);
        assertThat(webhook(path, params, sign(PUBLIC + path, params)).statusCode())
                .as("duplicates are fine")
                .isEqualTo(204);

        List<DeliveryEvent> events = deliveryEvents(id, 2);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(DeliveryEvent.Status.DELIVERED);
            assertThat(e.providerMessageId()).isEqualTo("SM123");
        });
    }

    @Test
    void stopFromACustomerOptsThemOutForEveryTenantSendingFromThatNumberAndHelpIsAnswered() throws Exception {
        String ourNumber = "+3197010009" + (int) (Math.random() * 900 + 100);
        // the gateway's sender map (PostgreSQL there): two tenants send from this number
        TWILIO.stubFor(get(urlPathMatching("/internal/sms-senders"))
                .withQueryParam("sender", equalTo(ourNumber))
                .withQueryParam("platform", equalTo("false"))
                .withHeader("X-Internal-Token", equalTo(io.relay.testsupport.Http.LOCAL_INTERNAL_TOKEN))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"tenants\":[\"" + tenant + "\",\"" + tenant + "-b\"]}")));
        String path = "/webhooks/twilio/inbound";

        Map<String, String> stop = Map.of("From", "+31677777777", "To", ourNumber, "Body", "  stop ");
        assertThat(webhook(path, stop, "forged").statusCode()).isEqualTo(403);
        HttpResponse<String> answered = webhook(path, stop, sign(PUBLIC + path, stop));
        assertThat(answered.statusCode()).isEqualTo(200);

        List<ContactEvent> events = events(
                Queues.PREFERENCE_CONTACT,
                ContactEvent.class,
                e -> e.address().equals("+31677777777"),
                2,
                Duration.ofSeconds(10));
        assertThat(events).allSatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ContactEvent.Kind.SMS_OPT_OUT);
            assertThat(e.keyword()).isEqualTo("STOP");
        });

        Map<String, String> help = Map.of("From", "+31677777777", "To", ourNumber, "Body", "Help");
        HttpResponse<String> helpReply = webhook(path, help, sign(PUBLIC + path, help));
        assertThat(helpReply.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
        assertThat(helpReply.body()).startsWith("<Response><Message>").contains("Reply STOP");
    }

    @Test
    void aStopTheSenderMapCannotPlaceIsRefusedWith503SoTwilioReportsItInsteadOfDroppingIt() throws Exception {
        String ourNumber = "+3197010008" + (int) (Math.random() * 900 + 100);
        TWILIO.stubFor(get(urlPathMatching("/internal/sms-senders"))
                .withQueryParam("sender", equalTo(ourNumber))
                .willReturn(aResponse().withStatus(503)));
        String path = "/webhooks/twilio/inbound";
        Map<String, String> stop = Map.of("From", "+31677777778", "To", ourNumber, "Body", "STOP");

        HttpResponse<String> answered = webhook(path, stop, sign(PUBLIC + path, stop));

        assertThat(answered.statusCode()).isEqualTo(503);
        assertThat(answered.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aFailedSendLogsNoPhoneNumberNotEvenInTwiliosErrorText(org.springframework.boot.test.system.CapturedOutput logs)
            throws Exception {
        String id = TestNames.unique("msg");
        dispatch(sms(id, "+15005550001")); // Twilio answers "The 'To' number +15005550001 is not valid"

        assertThat(deliveryEvents(id, 1).getFirst().status()).isEqualTo(DeliveryEvent.Status.FAILED);

        await().atMost(Duration.ofSeconds(5)).until(() -> logs.getOut().contains("Twilio refused for good"));
        assertThat(logs.getAll()).doesNotContain("15005550001").doesNotContain("5005550001");
    }
}
