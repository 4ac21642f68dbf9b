package io.relay.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.CustomerChanged;
import io.relay.contracts.payload.DeliveryBatch;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueSpec;
import io.relay.messaging.Queues;
import io.relay.routing.webhook.TenantWebhooks;
import io.relay.testsupport.Http;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.MutableClock;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Time, caps, idempotency, cancellation and fallback, with the clock in the test's hand: the
 * scheduler runs for real against PostgreSQL and RabbitMQ and sees the moved clock.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(SchedulingAndFallbackTest.TestClock.class)
class SchedulingAndFallbackTest {

    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final String SCHEMA = TestNames.schema("routing_sched");
    private static final WireMockServer PREFERENCES =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    // Thursday 26 November 2026, 23:00 in Amsterdam
    private static final Instant LATE_EVENING = Instant.parse("2026-11-26T22:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(LATE_EVENING);

    static {
        PREFERENCES.start();
    }

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        Clock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("spring.datasource.url", () -> LocalInfrastructure.postgresUrlInSchema(SCHEMA));
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.default-schema", () -> SCHEMA);
        registry.add("relay.preference-service-url", PREFERENCES::baseUrl);
        registry.add("relay.scheduler.poll-interval", () -> "50ms");
        // small batches, so that the scheduler's two workers share a few dozen due messages
        registry.add("relay.scheduler.batch-size", () -> "4");
        registry.add("relay.scheduler.workers", () -> "2");
        // the tests' own webhook receivers, over http on this machine
        registry.add("relay.webhooks.allowed-hosts", () -> "localhost:" + PREFERENCES.port());
        registry.add("relay.webhooks.poll-interval", () -> "50ms");
    }

    @AfterAll
    static void tearDown() {
        PREFERENCES.stop();
        VHOST.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    Connection connection;

    @Autowired
    EnvelopeCodec codec;

    @Autowired
    ConfirmingPublisher publisher;

    @Autowired
    io.relay.routing.webhook.TenantWebhooks webhooks;

    @Autowired
    io.relay.routing.timeline.MessageStore store;

    private final JsonMapper json = JsonMapper.builder().build();
    private Http business;
    private String tenantId;

    @BeforeEach
    void setUp() {
        CLOCK.set(LATE_EVENING);
        PREFERENCES.resetAll();
        // every category exists unless a test says otherwise
        PREFERENCES.stubFor(get(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/v1/categories/.*"))
                .atPriority(10)
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        tenantId = TestNames.unique("tenant");
        business = Http.asGateway("http://localhost:" + port, tenantId);
    }

    /** preference-service's answer for a customer in Amsterdam with quiet hours 22:00-07:30. */
    private void customer(String id, String category, String channelsJson, String extra) {
        PREFERENCES.stubFor(get(urlEqualTo("/internal/v1/customers/" + id + "/resolved?category=" + category))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"customerId":"%s","category":"%s","kind":"marketing","channels":%s,"excluded":[],
                                 "quietHours":{"start":"22:00","end":"07:30"},"timeZone":"Europe/Amsterdam",
                                 "locale":"nl-NL"%s}
                                """.formatted(id, category, channelsJson, extra))));
    }

    private static final String EMAIL_ONLY = "[{\"channel\":\"email\",\"addresses\":[\"ana@example.org\"]}]";
    private static final String SMS_THEN_EMAIL = "[{\"channel\":\"sms\",\"addresses\":[\"+31612345678\"]},"
            + "{\"channel\":\"email\",\"addresses\":[\"ana@example.org\"]}]";

    private HttpResponse<String> post(String body, Map<String, String> headers) {
        return business.send("POST", "/v1/messages", body, headers);
    }

    private String send(String body) {
        HttpResponse<String> response = post(body, Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("id").asString();
    }

    private static String message(String customer, String category, String extra) {
        return "{\"customerId\":\"" + customer + "\",\"category\":\"" + category + "\"" + extra
                + ",\"content\":{\"email\":{\"subject\":\"Hi\",\"text\":\"Hello\"},\"sms\":{\"text\":\"Hello\"}}}";
    }

    private JsonNode view(String id) {
        return json.readTree(business.get("/v1/messages/" + id).body());
    }

    private String status(String id) {
        return view(id).get("status").asString();
    }

    private List<String> events(String id) {
        return view(id).get("timeline").findValuesAsString("event");
    }

    /** Takes this message's dispatch off a dispatch queue, waiting for it. */
    private Object takeDispatch(QueueSpec queue, String messageId) throws Exception {
        try (Channel channel = connection.createChannel()) {
            Object[] found = new Object[1];
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                GetResponse got = channel.basicGet(queue.name(), true);
                if (got != null && got.getProps().getMessageId().equals(messageId)) {
                    found[0] = codec.decode(got.getProps(), got.getBody()).payload();
                }
                return found[0] != null;
            });
            return found[0];
        }
    }

    private boolean dispatchWaiting(QueueSpec queue, String messageId) throws Exception {
        try (Channel channel = connection.createChannel()) {
            GetResponse got;
            boolean seen = false;
            while ((got = channel.basicGet(queue.name(), false)) != null) {
                seen |= got.getProps().getMessageId().equals(messageId);
            }
            return seen; // unacked gets go back when the channel closes
        }
    }

    @Test
    void aMarketingMessageAt23LocalIsScheduledForTheEndOfQuietHoursAndDispatchedThen() throws Exception {
        customer("c-1", "offers", EMAIL_ONLY, "");

        String id = send(message("c-1", "offers", ""));

        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("scheduled"));
        JsonNode scheduled = view(id);
        assertThat(scheduled.get("scheduledFor").asString()).isEqualTo("2026-11-27T06:30:00Z");
        assertThat(scheduled.get("timeline").get(2).get("reason").asString())
                .contains("quiet hours 22:00-07:30 Europe/Amsterdam: held until FRI 2026-11-27 07:30");
        CLOCK.set(Instant.parse("2026-11-27T06:29:59Z"));
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, id))
                .as("not a second early")
                .isFalse();

        long lagsBefore = schedulerLag().count();
        CLOCK.set(Instant.parse("2026-11-27T06:30:00Z"));

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("dispatched"));
        assertThat(events(id)).containsExactly("accepted", "routed", "scheduled", "dispatched");
        // the clock stood still at the due time: the scheduler measured no lateness
        await().atMost(Duration.ofSeconds(5)).until(() -> schedulerLag().count() == lagsBefore + 1);
        assertThat(schedulerLag().max(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isZero();
    }

    @Test
    void aCustomerWithoutAZoneHasQuietHoursInTheirTenantsZoneNotSilentlyUtc() throws Exception {
        // 22:00 UTC is 17:00 in New York: outside quiet hours 22:00-07:30 there, inside them in UTC
        PREFERENCES.stubFor(get(urlEqualTo("/internal/v1/customers/c-53/resolved?category=offers"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"customerId":"c-53","category":"offers","kind":"marketing","channels":%s,"excluded":[],
                                 "quietHours":{"start":"22:00","end":"07:30"},"locale":"en-US"}
                                """.formatted(EMAIL_ONLY))));

        String inNewYork = json.readTree(
                        post(message("c-53", "offers", ""), Map.of("X-Tenant-Time-Zone", "America/New_York"))
                                .body())
                .get("id")
                .asString();
        String inUtc = send(message("c-53", "offers", ""));

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, inNewYork)).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(inUtc).equals("scheduled"));
        assertThat(view(inUtc).get("scheduledFor").asString()).isEqualTo("2026-11-27T07:30:00Z");
    }

    @Test
    void aMessageHeldByQuietHoursIsNotSentWhenTheCustomerSaidNoWhileItWaited() throws Exception {
        customer("c-50", "offers", EMAIL_ONLY, "");
        String id = send(message("c-50", "offers", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("scheduled"));

        // PUT /v1/customers/c-50/preferences {"categories":{"offers":{"channels":[]}},"source":"call-centre"}
        customer("c-50", "offers", "[]", "");
        CLOCK.set(Instant.parse("2026-11-27T06:30:00Z"));

        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("suppressed"));
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, id))
                .as("no email at the due time")
                .isFalse();
        assertThat(events(id)).containsExactly("accepted", "routed", "scheduled", "suppressed");
        assertThat(view(id).get("timeline").get(3).get("reason").asString()).startsWith("at the time of sending: ");
    }

    @Test
    void anOptOutEndsTheCustomersWaitingMessageAtOnceAndLeavesWhatTheyStillAllowWaiting() throws Exception {
        customer("c-54", "offers", EMAIL_ONLY, "");
        customer("c-54", "news", EMAIL_ONLY, "");
        String offer = send(message("c-54", "offers", ""));
        String news = send(message("c-54", "news", ""));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> status(offer).equals("scheduled") && status(news).equals("scheduled"));

        // the customer takes email away for offers; preference-service announces it
        customer("c-54", "offers", "[]", "");
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_CUSTOMER_CHANGED,
                Envelope.of(
                        "changed-54", tenantId, new CustomerChanged("c-54", CLOCK.instant()), null, CLOCK.instant()),
                Duration.ofSeconds(5));

        // at once, not at 07:30: the clock does not move
        await().atMost(Duration.ofSeconds(10)).until(() -> status(offer).equals("suppressed"));
        assertThat(events(offer)).containsExactly("accepted", "routed", "scheduled", "suppressed");
        assertThat(view(offer).get("timeline").get(3).get("reason").asString())
                .startsWith("the customer's choices changed while it waited: ");
        assertThat(status(news)).as("news is still allowed").isEqualTo("scheduled");
        assertThat(view(news).get("scheduledFor").asString()).isEqualTo("2026-11-27T06:30:00Z");

        CLOCK.set(Instant.parse("2026-11-27T06:30:00Z"));
        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, news)).isNotNull();
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, offer)).isFalse();
    }

    @Test
    void dueMessagesAskPreferenceServiceOnceForTheirWholeBatch() throws Exception {
        customer("c-56", "offers", EMAIL_ONLY, "");
        customer("c-57", "offers", EMAIL_ONLY, "");
        String first = send(message("c-56", "offers", ""));
        String second = send(message("c-57", "offers", ""));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> status(first).equals("scheduled") && status(second).equals("scheduled"));
        String choices = """
                {"customerId":"%s","category":"offers","kind":"marketing","channels":%s,"excluded":[],
                 "quietHours":{"start":"22:00","end":"07:30"},"timeZone":"Europe/Amsterdam","locale":"nl-NL"}""";
        PREFERENCES.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/internal/v1/resolved"))
                .withHeader("X-Tenant-Id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(tenantId))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"answers\":[{\"choices\":" + choices.formatted("c-56", EMAIL_ONLY)
                                + "},{\"choices\":" + choices.formatted("c-57", EMAIL_ONLY) + "}]}")));
        int asked = PREFERENCES
                .findAll(getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                        "/internal/v1/customers/c-5[67]/resolved")))
                .size();

        CLOCK.set(Instant.parse("2026-11-27T06:30:00Z"));

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, first)).isNotNull();
        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, second)).isNotNull();
        var batches = PREFERENCES.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/internal/v1/resolved"))
                        .withHeader("X-Tenant-Id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(tenantId)));
        assertThat(batches).hasSize(1);
        assertThat(batches.getFirst().getBodyAsString()).contains("c-56").contains("c-57");
        assertThat(PREFERENCES
                        .findAll(getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                                "/internal/v1/customers/c-5[67]/resolved")))
                        .size())
                .as("not asked one at a time")
                .isEqualTo(asked);
    }

    @Test
    void aMessageThatFallsDueGoesOnTheChannelTheCustomerPrefersNowAndTheTimelineSaysSo() throws Exception {
        customer("c-51", "offers", EMAIL_ONLY, "");
        String id = send(message("c-51", "offers", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("scheduled"));

        customer("c-51", "offers", "[{\"channel\":\"sms\",\"addresses\":[\"+31612345678\"]}]", "");
        CLOCK.set(Instant.parse("2026-11-27T06:30:00Z"));

        assertThat(takeDispatch(Queues.SMS_DISPATCH, id)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("dispatched"));
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, id)).isFalse();
        assertThat(events(id)).containsExactly("accepted", "routed", "scheduled", "routed", "dispatched");
        JsonNode again = view(id).get("timeline").get(3);
        assertThat(again.get("channel").asString()).isEqualTo("sms");
        assertThat(again.get("reason").asString()).startsWith("decided again at the time of sending");
        assertThat(view(id).get("channel").asString()).isEqualTo("sms");
    }

    @Test
    void aMessageThatFallsDueWhileTheCustomersNewQuietHoursRunWaitsForThemToEnd() throws Exception {
        customer("c-52", "offers", EMAIL_ONLY, "");
        String id = send(message("c-52", "offers", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("scheduled"));

        // quiet until 09:00 now, not 07:30
        PREFERENCES.stubFor(get(urlEqualTo("/internal/v1/customers/c-52/resolved?category=offers"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"customerId":"c-52","category":"offers","kind":"marketing","channels":%s,"excluded":[],
                                 "quietHours":{"start":"22:00","end":"09:00"},"timeZone":"Europe/Amsterdam",
                                 "locale":"nl-NL"}
                                """.formatted(EMAIL_ONLY))));
        CLOCK.set(Instant.parse("2026-11-27T06:30:00Z"));

        await().atMost(Duration.ofSeconds(10)).until(() -> events(id).size() == 4);
        assertThat(status(id)).isEqualTo("scheduled");
        assertThat(view(id).get("scheduledFor").asString()).isEqualTo("2026-11-27T08:00:00Z");
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, id)).isFalse();

        CLOCK.set(Instant.parse("2026-11-27T08:00:00Z"));
        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("dispatched"));
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private io.micrometer.core.instrument.Timer schedulerLag() {
        io.micrometer.core.instrument.Timer timer =
                meters.find("relay.scheduler.lag").timer();
        return timer != null ? timer : meters.timer("relay.scheduler.lag.absent");
    }

    @Test
    void anUrgentMessageGoesAtOnceWhenTheCategoryAllowsIt() throws Exception {
        customer("c-2", "appointments", EMAIL_ONLY, ",\"urgentAllowed\":true");

        String id = send(message(
                "c-2",
                "appointments",
                ",\"priority\":\"urgent\",\"appointment\":{\"id\":\"apt-7\",\"title\":\"Check-up\","
                        + "\"start\":\"2026-11-27T08:30:00Z\",\"end\":\"2026-11-27T09:00:00Z\","
                        + "\"location\":\"Main St 1\",\"rescheduleUrl\":\"https://acme.example/r/7\"}"));

        var dispatch = (io.relay.contracts.payload.EmailDispatch) takeDispatch(Queues.EMAIL_DISPATCH, id);
        assertThat(dispatch.appointment().id())
                .as("passed on for the calendar invite")
                .isEqualTo("apt-7");
        assertThat(dispatch.appointment().rescheduleUrl()).isEqualTo("https://acme.example/r/7");
        assertThat(view(id).get("timeline").get(2).get("reason").asString())
                .contains("urgent: quiet hours 22:00-07:30 Europe/Amsterdam skipped");
    }

    @Test
    void aMessageThatCouldOnlyGoAfterItsExpiryExpiresAtOnce() {
        customer("c-3", "offers", EMAIL_ONLY, "");

        String id = send(message("c-3", "offers", ",\"expiresAt\":\"2026-11-27T05:00:00Z\""));

        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("expired"));
        assertThat(view(id).get("timeline").get(1).get("reason").asString()).contains("expiresAt 2026-11-27T05:00:00Z");
    }

    @Test
    void aMessageWhoseExpiryPassesWhileScheduledIsNeverSent() throws Exception {
        customer("c-4", "offers", EMAIL_ONLY, "");
        String id = send(message("c-4", "offers", ",\"expiresAt\":\"2026-11-27T06:40:00Z\""));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("scheduled"));

        CLOCK.set(Instant.parse("2026-11-27T06:45:00Z")); // the scheduler was down until after expiry

        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("expired"));
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, id)).isFalse();
    }

    @Test
    void oneIdempotencyKeySendsOneMessageAndADifferentBodyIsAConflict() throws Exception {
        customer("c-5", "appointments", EMAIL_ONLY, ",\"urgentAllowed\":true");
        String body = message("c-5", "appointments", ",\"priority\":\"urgent\"");

        HttpResponse<String> first = post(body, Map.of("Idempotency-Key", "order-42"));
        HttpResponse<String> again = post(body, Map.of("Idempotency-Key", "order-42"));
        HttpResponse<String> other = post(body.replace("Hello", "Bye"), Map.of("Idempotency-Key", "order-42"));

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(other.statusCode()).isEqualTo(409);
        String id = json.readTree(first.body()).get("id").asString();
        takeDispatch(Queues.EMAIL_DISPATCH, id);
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, id))
                .as("one dispatch only")
                .isFalse();

        CLOCK.advance(Duration.ofHours(25));
        HttpResponse<String> dayLater = post(body, Map.of("Idempotency-Key", "order-42"));
        assertThat(json.readTree(dayLater.body()).get("id").asString())
                .as("after 24 h the key is fresh")
                .isNotEqualTo(id);
    }

    @Test
    void aScheduledMessageCanBeCancelledButADispatchedOneCannot() throws Exception {
        customer("c-6", "offers", EMAIL_ONLY, "");
        String scheduled = send(message("c-6", "offers", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(scheduled).equals("scheduled"));

        HttpResponse<String> cancel = business.delete("/v1/messages/" + scheduled);

        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(status(scheduled)).isEqualTo("cancelled");
        CLOCK.set(Instant.parse("2026-11-27T07:00:00Z"));
        customer("c-7", "appointments", EMAIL_ONLY, "");
        String now = send(message("c-7", "appointments", ""));
        takeDispatch(Queues.EMAIL_DISPATCH, now);
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, scheduled)).isFalse();
        assertThat(business.delete("/v1/messages/" + now).statusCode()).isEqualTo(409);
        assertThat(business.delete("/v1/messages/msg_nope").statusCode()).isEqualTo(404);
    }

    /** As sms-service reports a permanent failure (Twilio's 21614) of this message's SMS. */
    private void smsFailedForGood(String id) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.deliveryKey("sms", "failed"),
                Envelope.of(
                        id,
                        business.headerValue("X-Tenant-Id"),
                        new DeliveryEvent(
                                id,
                                "sms",
                                DeliveryEvent.Status.FAILED,
                                null,
                                "21614",
                                "not a mobile number",
                                CLOCK.instant()),
                        null,
                        CLOCK.instant()),
                Duration.ofSeconds(5));
    }

    @Test
    void aCustomerWhoRanksSmsFirstGetsSmsAndEmailWhenSmsFailsPermanently() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-8", "appointments", SMS_THEN_EMAIL, "");
        String id = send(message("c-8", "appointments", ""));
        assertThat(takeDispatch(Queues.SMS_DISPATCH, id)).isNotNull();

        smsFailedForGood(id);

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> events(id).size() == 6);
        JsonNode timeline = view(id).get("timeline");
        assertThat(events(id)).containsExactly("accepted", "routed", "dispatched", "failed", "routed", "dispatched");
        assertThat(timeline.get(3).get("reason").asString()).isEqualTo("[21614] not a mobile number");
        assertThat(timeline.get(4).get("reason").asString()).contains("passed over sms: failed already");
        assertThat(view(id).get("channel").asString()).isEqualTo("email");
    }

    @Test
    void aFallbackDispatchTheBrokerDidNotTakeIsPublishedWhenTheFailureIsRetried() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-81", "appointments", SMS_THEN_EMAIL, "");
        String id = send(message("c-81", "appointments", ""));
        assertThat(takeDispatch(Queues.SMS_DISPATCH, id)).isNotNull();
        try (Channel admin = connection.createChannel()) {
            long retrying = admin.queueDeclarePassive(Queues.ROUTING_DELIVERY.retryQueue())
                    .getMessageCount();
            // the fallback is recorded, then the broker returns its email dispatch (as when it restarts)
            admin.queueUnbind(Queues.EMAIL_DISPATCH.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_DISPATCH_EMAIL);
            try {
                smsFailedForGood(id);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> admin.queueDeclarePassive(Queues.ROUTING_DELIVERY.retryQueue())
                                        .getMessageCount()
                                > retrying);
            } finally {
                admin.queueBind(Queues.EMAIL_DISPATCH.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_DISPATCH_EMAIL);
            }
        }
        assertThat(status(id)).isEqualTo("dispatched");
        assertThat(view(id).get("channel").asString()).isEqualTo("email");

        // the failure's retry finds the message moved on to email, and publishes that dispatch
        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id)).isNotNull();
        assertThat(events(id)).containsExactly("accepted", "routed", "dispatched", "failed", "routed", "dispatched");
    }

    @Test
    void underACapOfOneAMessageWhoseSmsFailsForGoodStillFallsBackToEmailItCountsOnce() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-54", "appointments", SMS_THEN_EMAIL, ",\"frequencyCap\":{\"max\":1,\"per\":\"P1D\"}");
        String id = send(message("c-54", "appointments", ""));
        assertThat(takeDispatch(Queues.SMS_DISPATCH, id)).isNotNull();

        deliveryEvent(id, "sms", DeliveryEvent.Status.FAILED, "21614", "not a mobile number");

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id))
                .as("its own SMS attempt is not counted")
                .isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("dispatched"));
        String second = send(message("c-54", "appointments", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(second).equals("suppressed"));
        assertThat(view(second).toString()).contains("frequency cap reached: 1 of at most 1");
    }

    @Test
    void twentyMessagesAtOnceUnderACapOfThreeSendExactlyThree() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-55", "appointments", EMAIL_ONLY, ",\"frequencyCap\":{\"max\":3,\"per\":\"P1D\"}");
        List<java.util.concurrent.CompletableFuture<String>> posting = new java.util.ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                posting.add(java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> send(message("c-55", "appointments", "")), threads));
            }
        }
        List<String> ids = posting.stream()
                .map(java.util.concurrent.CompletableFuture::join)
                .toList();

        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        ids.stream().map(this::status).allMatch(s -> s.equals("dispatched") || s.equals("suppressed")));
        Map<String, Long> outcome = ids.stream()
                .collect(java.util.stream.Collectors.groupingBy(this::status, java.util.stream.Collectors.counting()));
        assertThat(outcome).containsEntry("dispatched", 3L).containsEntry("suppressed", 17L);
    }

    @Autowired
    io.relay.routing.route.CapStore caps;

    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;

    @Test
    void whileAnotherReplicaCountsTheSameCustomersCapAMessageWaitsForItsAnswer() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-56", "appointments", EMAIL_ONLY, ",\"frequencyCap\":{\"max\":1,\"per\":\"P1D\"}");
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread otherReplica = Thread.ofVirtual()
                .start(() -> tx.executeWithoutResult(status -> {
                    caps.lockCap(tenantId, "c-56", "appointments");
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        held.await();

        String id = send(message("c-56", "appointments", ""));

        await().during(Duration.ofMillis(700))
                .atMost(Duration.ofSeconds(3))
                .until(() -> status(id).equals("accepted"));
        release.countDown();
        otherReplica.join();
        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("dispatched"));
    }

    @Test
    void aDispatchItsChannelNeverAnswersEndsAfterDeliveryMaxAgeFallingBackToEmail() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-57", "appointments", SMS_THEN_EMAIL, "");
        String id = send(message("c-57", "appointments", ""));
        assertThat(takeDispatch(Queues.SMS_DISPATCH, id)).isNotNull(); // and sms-service never answers
        CLOCK.advance(Duration.ofHours(24).plusMinutes(59));
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, id))
                .as("not before its budget")
                .isFalse();

        CLOCK.advance(Duration.ofMinutes(2)); // DELIVERY_MAX_AGE 24 h and the grace of 1 h are over

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> events(id).size() == 6);
        assertThat(events(id)).containsExactly("accepted", "routed", "dispatched", "failed", "routed", "dispatched");
        assertThat(view(id).get("timeline").get(3).get("reason").asString())
                .contains("no answer from the sms service within PT25H");
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private int rows(String sql, String value) {
        return jdbc.sql(sql).param("v", value).query(Integer.class).single();
    }

    @Test
    void anIdempotencyKeyIsForgottenADayOnAndAMessageWithItsTimelineNinetyDaysOn() {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-58", "appointments", "[]", ""); // nothing to send on: it ends at once, suppressed
        HttpResponse<String> accepted =
                post(message("c-58", "appointments", ""), Map.of("Idempotency-Key", "retention-58"));
        String id = json.readTree(accepted.body()).get("id").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("suppressed"));
        String keys = "SELECT count(*) FROM idempotency_keys WHERE tenant_id = :v";
        assertThat(rows(keys, tenantId)).isEqualTo(1);

        CLOCK.advance(Duration.ofDays(1).plusMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> rows(keys, tenantId) == 0);
        assertThat(business.get("/v1/messages/" + id).statusCode()).isEqualTo(200);

        CLOCK.advance(Duration.ofDays(89)); // 90 days after it was accepted
        await().atMost(Duration.ofSeconds(10))
                .until(() -> business.get("/v1/messages/" + id).statusCode() == 404);
        assertThat(rows("SELECT count(*) FROM message_events WHERE message_id = :v", id))
                .as("its timeline with it")
                .isZero();
    }

    private void deliveryEvent(String id, String channel, DeliveryEvent.Status status, String code, String reason) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.deliveryKey(channel, status.wireName()),
                Envelope.of(
                        id + "-" + status.wireName(),
                        business.headerValue("X-Tenant-Id"),
                        new DeliveryEvent(id, channel, status, "SM" + id, code, reason, CLOCK.instant()),
                        null,
                        CLOCK.instant()),
                Duration.ofSeconds(5));
    }

    /** sms-service's batch of delivery events, as routing's batch queue receives it; the same id each time. */
    private void deliveryBatch(String id, List<DeliveryBatch.Item> events) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.deliveriesKey(io.relay.contracts.Channel.SMS),
                Envelope.of(id, DeliveryBatch.TENANTS, new DeliveryBatch(events), null, CLOCK.instant()),
                Duration.ofSeconds(5));
    }

    private static DeliveryBatch.Item smsSent(String tenantId, String messageId) {
        return new DeliveryBatch.Item(
                tenantId,
                null,
                new DeliveryEvent(
                        messageId, "sms", DeliveryEvent.Status.SENT, "SM" + messageId, null, null, CLOCK.instant()));
    }

    @Test
    void anSmsTwilioTookButLaterReportsUndeliveredFallsBackToEmail() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-59", "appointments", SMS_THEN_EMAIL, "");
        String id = send(message("c-59", "appointments", ""));
        assertThat(takeDispatch(Queues.SMS_DISPATCH, id)).isNotNull();
        deliveryEvent(id, "sms", DeliveryEvent.Status.SENT, null, null);
        await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("sent"));

        // Twilio's status callback: undelivered, 30003 (handset unreachable)
        deliveryEvent(id, "sms", DeliveryEvent.Status.FAILED, "30003", "Twilio reports undelivered");

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("dispatched"));
        assertThat(events(id))
                .containsExactly("accepted", "routed", "dispatched", "sent", "failed", "routed", "dispatched");
    }

    @Test
    void aBatchOfDeliveryEventsEndsEachAsItsOwnEventWouldAndItsRepeatWritesNothing() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-81", "appointments", SMS_THEN_EMAIL, "");
        String sent = send(message("c-81", "appointments", ""));
        String failed = send(message("c-81", "appointments", ""));
        assertThat(takeDispatch(Queues.SMS_DISPATCH, sent)).isNotNull();
        assertThat(takeDispatch(Queues.SMS_DISPATCH, failed)).isNotNull();
        String tenant = business.headerValue("X-Tenant-Id");
        DeliveryEvent failure = new DeliveryEvent(
                failed, "sms", DeliveryEvent.Status.FAILED, null, "21614", "not a mobile number", CLOCK.instant());
        List<DeliveryBatch.Item> batch = List.of(
                // another tenant's events naming this tenant's message, first: nothing happens to it
                smsSent("t_someone_else", failed),
                new DeliveryBatch.Item("t_someone_else", null, failure),
                smsSent(tenant, sent),
                new DeliveryBatch.Item(tenant, null, failure));

        deliveryBatch("db_test", batch);

        await().atMost(Duration.ofSeconds(5)).until(() -> status(sent).equals("sent"));
        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, failed))
                .as("the failure fell back")
                .isNotNull();
        assertThat(status(failed)).isEqualTo("dispatched");
        assertThat(events(sent)).containsExactly("accepted", "routed", "dispatched", "sent");
        List<String> fellBack = List.of("accepted", "routed", "dispatched", "failed", "routed", "dispatched");
        assertThat(events(failed)).containsExactlyElementsOf(fellBack);
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, failed))
                .as("one fallback, not two")
                .isFalse();

        // the same batch again, as after a crash before its ack: the failure's dispatch is published again
        // (email-service drops one it already took), and no status or timeline entry changes
        deliveryBatch("db_test", batch);

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, failed)).isNotNull();
        assertThat(status(sent)).isEqualTo("sent");
        assertThat(events(sent)).containsExactly("accepted", "routed", "dispatched", "sent");
        assertThat(status(failed)).isEqualTo("dispatched");
        assertThat(events(failed)).containsExactlyElementsOf(fellBack);
    }

    @Test
    void anEventOfABatchThatCannotBeHandledGoesBackAloneAndHoldsUpNoneOfTheOthers() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-82", "appointments", SMS_THEN_EMAIL, "");
        String poisoned = send(message("c-82", "appointments", ""));
        String sent = send(message("c-82", "appointments", ""));
        assertThat(takeDispatch(Queues.SMS_DISPATCH, poisoned)).isNotNull();
        assertThat(takeDispatch(Queues.SMS_DISPATCH, sent)).isNotNull();
        String tenant = business.headerValue("X-Tenant-Id");
        // no channel: routing cannot tell what it is about, and fails on it
        DeliveryBatch.Item poison = new DeliveryBatch.Item(
                tenant,
                null,
                new DeliveryEvent(poisoned, null, DeliveryEvent.Status.SENT, "SMp", null, null, CLOCK.instant()));
        try (Channel admin = connection.createChannel()) {
            long retryingAlone = admin.queueDeclarePassive(Queues.ROUTING_DELIVERY.retryQueue())
                    .getMessageCount();

            deliveryBatch("db_poison", List.of(poison, smsSent(tenant, sent)));

            await().atMost(Duration.ofSeconds(5)).until(() -> status(sent).equals("sent"));
            // the failing event alone, with retries of its own: its first attempt failed again
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> admin.queueDeclarePassive(Queues.ROUTING_DELIVERY.retryQueue())
                                    .getMessageCount()
                            > retryingAlone);
            assertThat(admin.queueDeclarePassive(Queues.ROUTING_DELIVERY_BATCHES.retryQueue())
                            .getMessageCount())
                    .as("the batch itself is not retried")
                    .isZero();
        }
        assertThat(status(poisoned)).isEqualTo("dispatched");
    }

    @Test
    void theFrequencyCapCountsAcrossMessages() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-9", "offers", EMAIL_ONLY, ",\"frequencyCap\":{\"max\":1,\"per\":\"P1D\"}");

        String first = send(message("c-9", "offers", ""));
        takeDispatch(Queues.EMAIL_DISPATCH, first);
        String second = send(message("c-9", "offers", ""));

        await().atMost(Duration.ofSeconds(10)).until(() -> status(second).equals("suppressed"));
        assertThat(view(second).get("timeline").get(1).get("reason").asString())
                .isEqualTo("frequency cap reached: 1 of at most 1 per P1D already sent for offers");
    }

    @Test
    void anUnknownCategoryIsRefusedAtOnce() {
        PREFERENCES.stubFor(
                get(urlEqualTo("/v1/categories/nothing")).willReturn(aResponse().withStatus(404)));

        HttpResponse<String> response = post(message("c-10", "nothing", ""), Map.of());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("category");
    }

    private static final String REMINDER_TEMPLATE = """
            { "defaultLocale": "en",
              "channels": {
                "email": { "en": { "subject": "Your appointment at {{time}}",
                                   "text": "Hi {{customer.firstName}}, see you at {{time}}. {{note}}",
                                   "html": "<p>Hi {{customer.firstName}}, see you at <b>{{time}}</b>. {{note}}</p>" },
                           "nl": { "subject": "Uw afspraak om {{time}}",
                                   "text": "Hoi {{customer.firstName}}, tot {{time}}. {{note}}",
                                   "html": "<p>Hoi {{customer.firstName}}, tot <b>{{time}}</b>. {{note}}</p>" } },
                "sms": { "en": { "text": "See you at {{time}}" } } } }
            """;

    private void profile(String customer, String locale, String attributes) {
        PREFERENCES.stubFor(get(urlEqualTo("/v1/customers/" + customer))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"customerId\":\"" + customer + "\",\"locale\":\"" + locale + "\",\"attributes\":"
                                + attributes + "}")));
    }

    private String templated(String customer, String data) {
        return "{\"customerId\":\"" + customer + "\",\"category\":\"appointments\",\"priority\":\"urgent\","
                + "\"template\":{\"id\":\"reminder\",\"data\":" + data + "}}";
    }

    @Test
    void aTemplateIsFilledInTheCustomersLocaleWithHtmlEscapedAndTextLeftAlone() throws Exception {
        assertThat(business.put("/v1/templates/reminder", REMINDER_TEMPLATE).statusCode())
                .isEqualTo(201);
        customer("c-11", "appointments", EMAIL_ONLY, ",\"urgentAllowed\":true");
        profile("c-11", "nl-BE", "{\"firstName\":\"Zoë\"}");

        String id = send(templated("c-11", "{\"time\":\"09:30\",\"note\":\"Bring <your> card & ID\"}"));

        var email = (io.relay.contracts.payload.EmailDispatch) takeDispatch(Queues.EMAIL_DISPATCH, id);
        assertThat(email.subject()).isEqualTo("Uw afspraak om 09:30");
        assertThat(email.text()).isEqualTo("Hoi Zoë, tot 09:30. Bring <your> card & ID");
        assertThat(email.html()).isEqualTo("<p>Hoi Zoë, tot <b>09:30</b>. Bring &lt;your&gt; card &amp; ID</p>");
    }

    @Test
    void aMissingValueIsA400NamingItNotABlankInAMessage() {
        business.put("/v1/templates/reminder", REMINDER_TEMPLATE);
        customer("c-12", "appointments", EMAIL_ONLY, "");
        profile("c-12", "en", "{}");

        HttpResponse<String> noTime = post(templated("c-12", "{\"note\":\"x\"}"), Map.of());
        HttpResponse<String> noName = post(templated("c-12", "{\"time\":\"09:30\",\"note\":\"x\"}"), Map.of());

        assertThat(noTime.statusCode()).isEqualTo(400);
        assertThat(json.readTree(noTime.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("template.data.time");
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(json.readTree(noName.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("customer attribute firstName");
    }

    @Test
    void aBrokenTemplateIsRefusedWithTheFieldNamed() {
        HttpResponse<String> response = business.put(
                "/v1/templates/broken",
                "{\"defaultLocale\":\"en\",\"channels\":{\"sms\":{\"de\":{\"text\":\"Hallo {{#name}}\"}}}}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("channels.sms", "channels.sms.de.text");
        assertThat(business.get("/v1/templates/broken").statusCode()).isEqualTo(404);
    }

    @Test
    void aTemplateThatIncludesAnotherFileIsRefused() {
        HttpResponse<String> response = business.put(
                "/v1/templates/include",
                "{\"defaultLocale\":\"en\",\"channels\":{\"email\":{\"en\":{\"subject\":\"{{> /etc/passwd}}\",\"text\":\"x\"}}}}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("errors").findValuesAsString("field"))
                .containsExactly("channels.email.en.subject");
        assertThat(business.get("/v1/templates/include").statusCode()).isEqualTo(404);
    }

    @Autowired
    io.relay.routing.schedule.DueMessagePublisher scheduler;

    @Test
    void twoSchedulersPollingAtOnceDispatchEachMessageOnce() throws Exception {
        customer("c-13", "offers", EMAIL_ONLY, "");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(send(message("c-13", "offers", "")));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ids.stream().allMatch(id -> status(id).equals("scheduled")));
        CLOCK.set(Instant.parse("2026-11-27T06:30:00Z"));

        // a second replica's poll, racing the running scheduler
        var other = java.util.concurrent.CompletableFuture.supplyAsync(scheduler::publishDue);
        scheduler.publishDue();
        other.get(10, java.util.concurrent.TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> ids.stream().allMatch(id -> status(id).equals("dispatched")));
        java.util.Map<String, Integer> dispatches = new java.util.HashMap<>();
        try (Channel channel = connection.createChannel()) {
            GetResponse got;
            while ((got = channel.basicGet(Queues.EMAIL_DISPATCH.name(), true)) != null) {
                dispatches.merge(got.getProps().getMessageId(), 1, Integer::sum);
            }
        }
        for (String id : ids) {
            assertThat(dispatches.get(id)).as("dispatches of %s", id).isEqualTo(1);
            assertThat(events(id).stream().filter("dispatched"::equals).count()).isEqualTo(1);
        }
    }

    @Test
    void fortyDueMessagesUnderCapsOnTheSchedulersTwoWorkersSendThreeACustomerEachOnce() throws Exception {
        List<String> customers = List.of("c-90", "c-91", "c-92", "c-93");
        for (String c : customers) {
            customer(c, "offers", EMAIL_ONLY, ",\"frequencyCap\":{\"max\":3,\"per\":\"P1D\"}");
        }
        // one of each customer after another, every other round backwards: every batch of four needs all
        // four customers' caps, the next batch in the opposite order
        Map<String, String> customerOf = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            for (String c : i % 2 == 0 ? customers : customers.reversed()) {
                customerOf.put(send(message(c, "offers", "")), c);
            }
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        customerOf.keySet().stream().allMatch(id -> status(id).equals("scheduled")));
        CLOCK.set(Instant.parse("2026-11-27T06:30:00Z"));

        // the two workers, and a poll of another replica's racing them
        var other = java.util.concurrent.CompletableFuture.supplyAsync(scheduler::publishDue);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> customerOf.keySet().stream()
                        .map(this::status)
                        .allMatch(s -> s.equals("dispatched") || s.equals("suppressed")));
        other.get(10, java.util.concurrent.TimeUnit.SECONDS);

        Map<String, Integer> dispatches = new java.util.HashMap<>();
        try (Channel channel = connection.createChannel()) {
            GetResponse got;
            while ((got = channel.basicGet(Queues.EMAIL_DISPATCH.name(), true)) != null) {
                dispatches.merge(got.getProps().getMessageId(), 1, Integer::sum);
            }
        }
        for (String c : customers) {
            List<String> sent = customerOf.entrySet().stream()
                    .filter(e -> e.getValue().equals(c) && status(e.getKey()).equals("dispatched"))
                    .map(Map.Entry::getKey)
                    .toList();
            assertThat(sent).as("dispatched for %s under a cap of 3", c).hasSize(3);
            for (String id : sent) {
                assertThat(dispatches.get(id)).as("dispatches of %s", id).isEqualTo(1);
            }
        }
        assertThat(customerOf.keySet().stream()
                        .filter(id -> dispatches.containsKey(id) && status(id).equals("suppressed")))
                .as("a suppressed message never published")
                .isEmpty();
    }

    @Test
    void aDueMessageWhoseDispatchTheBrokerDoesNotTakeStaysScheduledAndGoesOnceItCan() throws Exception {
        customer("c-95", "offers", EMAIL_ONLY, "");
        String id = send(message("c-95", "offers", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("scheduled"));
        try (Channel channel = connection.createChannel()) {
            // no queue for email dispatches: the broker returns them unroutable, and the batch rolls back
            channel.queueUnbind(Queues.EMAIL_DISPATCH.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_DISPATCH_EMAIL);
            try {
                CLOCK.set(Instant.parse("2026-11-27T06:30:00Z"));
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> status(id).equals("scheduled"));
                assertThat(events(id)).doesNotContain("dispatched");
            } finally {
                channel.queueBind(Queues.EMAIL_DISPATCH.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_DISPATCH_EMAIL);
            }
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("dispatched"));
        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id)).isNotNull();
        assertThat(events(id).stream().filter("dispatched"::equals).count()).isEqualTo(1);
    }

    @Test
    void theTenantsSendersFromTheGatewayGoIntoTheDispatches() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-14", "appointments", "[{\"channel\":\"sms\",\"addresses\":[\"+31612345678\"]}]", "");

        HttpResponse<String> response = post(
                message("c-14", "appointments", ""),
                Map.of(
                        "X-Tenant-Sms-From",
                        "MG0123456789abcdef0123456789abcdef",
                        "X-Tenant-Email-From",
                        "Acme <no-reply@acme.example>"));

        String id = json.readTree(response.body()).get("id").asString();
        var sms = (io.relay.contracts.payload.SmsDispatch) takeDispatch(Queues.SMS_DISPATCH, id);
        assertThat(sms.from()).isEqualTo("MG0123456789abcdef0123456789abcdef");
    }

    @Test
    void everyStatusChangeReachesTheTenantsWebhookSignedAndAFailingEndpointIsRetried() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-15", "appointments", EMAIL_ONLY, "");
        PREFERENCES.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/hooks/messages"))
                .inScenario("hook")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("up"));
        PREFERENCES.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/hooks/messages"))
                .inScenario("hook")
                .whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(204)));
        String secret = "whsec_test-secret";

        HttpResponse<String> response = post(
                message("c-15", "appointments", ""),
                Map.of(
                        "X-Tenant-Webhook-Url",
                        PREFERENCES.baseUrl() + "/hooks/messages",
                        "X-Tenant-Webhook-Secret",
                        secret));
        String id = json.readTree(response.body()).get("id").asString();

        // one POST got 503; it comes again once the clock has moved past its first wait (30 s)
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !PREFERENCES
                        .findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                                urlEqualTo("/hooks/messages")))
                        .isEmpty());
        // moved on each look: the 503 may be recorded (and its next try set 30 s on) after a single move
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            CLOCK.set(CLOCK.instant().plusSeconds(31));
            List<String> statuses = hookStatuses("/hooks/messages", id);
            return statuses.size() >= 3 && statuses.containsAll(List.of("accepted", "dispatched"));
        });
        var requests = PREFERENCES.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/hooks/messages")));
        assertThat(requests.size()).as("one 503, retried").isGreaterThanOrEqualTo(3);
        for (var request : requests) {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(
                    secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(request.getBody()));
            assertThat(request.getHeader("X-Signature")).isEqualTo(expected);
            assertThat(request.getHeader("webhook-signature"))
                    .as("Standard Webhooks: v1,<base64 HMAC of id.timestamp.body>")
                    .isEqualTo(standardSignature(
                            secret,
                            request.getHeader("webhook-id"),
                            request.getHeader("webhook-timestamp"),
                            request.getBodyAsString()));
            assertThat(json.readTree(request.getBodyAsString()).get("type").asString())
                    .isEqualTo("message.status");
        }
        assertThat(requests.stream()
                        .map(r -> r.getHeader("webhook-id"))
                        .distinct()
                        .count())
                .as("a retry carries the event id of its first attempt")
                .isLessThan(requests.size());
    }

    /** As a receiver checks it: HMAC-SHA256 under the bytes the secret's base64 part decodes to. */
    private static String standardSignature(String secret, String id, String timestamp, String body) throws Exception {
        String encoded = secret.substring("whsec_".length());
        byte[] key;
        try {
            key = java.util.Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException urlSafe) {
            key = java.util.Base64.getUrlDecoder().decode(encoded);
        }
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        return "v1,"
                + java.util.Base64.getEncoder()
                        .encodeToString(mac.doFinal(
                                (id + "." + timestamp + "." + body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static String smsOnly(String customer, String text) {
        return "{\"customerId\":\"" + customer + "\",\"category\":\"appointments\",\"content\":{\"sms\":{\"text\":\""
                + text + "\"}}}";
    }

    @Test
    void anSmsLongerThanTheTenantsSegmentsIsRefusedAtAcceptNamingItsText() {
        customer("c-40", "appointments", "[{\"channel\":\"sms\",\"addresses\":[\"+31612345678\"]}]", "");
        String gsm = "x".repeat(5_000); // 33 segments of 153
        String ucs2 = "ü€😀".repeat(200); // 800 UTF-16 units outside GSM-7 -> 12 segments of 67

        HttpResponse<String> tooLong = post(smsOnly("c-40", gsm), Map.of());
        HttpResponse<String> tooLongUnicode = post(smsOnly("c-40", ucs2), Map.of("X-Tenant-Sms-Max-Segments", "11"));
        HttpResponse<String> withinARaisedLimit = post(smsOnly("c-40", gsm), Map.of("X-Tenant-Sms-Max-Segments", "33"));

        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("content.sms.text").contains("33 SMS segments");
        assertThat(tooLongUnicode.statusCode()).isEqualTo(400);
        assertThat(tooLongUnicode.body()).contains("12 SMS segments");
        assertThat(withinARaisedLimit.statusCode())
                .as(withinARaisedLimit.body())
                .isEqualTo(202);
    }

    @Test
    void pastTheDailySmsQuotaAcceptsAnswer429UntilMidnightWhileEmailOnlyMessagesStillGo() {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-41", "appointments", "[{\"channel\":\"sms\",\"addresses\":[\"+31612345678\"]}]", "");
        Map<String, String> quotaOfTwo = Map.of("X-Tenant-Sms-Daily-Quota", "2");

        assertThat(post(smsOnly("c-41", "one"), quotaOfTwo).statusCode()).isEqualTo(202);
        assertThat(post(smsOnly("c-41", "two"), quotaOfTwo).statusCode()).isEqualTo(202);
        HttpResponse<String> third = post(smsOnly("c-41", "three"), quotaOfTwo);
        HttpResponse<String> emailOnly = post(
                "{\"customerId\":\"c-41\",\"category\":\"appointments\",\"content\":{\"email\":"
                        + "{\"subject\":\"Hi\",\"text\":\"Hello\"}}}",
                quotaOfTwo);

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        assertThat(third.body()).contains("daily SMS quota of 2").contains("2026-11-28T00:00:00Z");
        assertThat(emailOnly.statusCode()).as("no SMS, no quota").isEqualTo(202);
        CLOCK.set(Instant.parse("2026-11-28T00:00:01Z"));
        assertThat(post(smsOnly("c-41", "next day"), quotaOfTwo).statusCode()).isEqualTo(202);
    }

    @Test
    void aMessageToAPhoneOutsideTheTenantsSmsCountriesIsSuppressedWithTheReason() {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        // the customer's Dutch number was fine when it was saved; the tenant now texts the US only
        customer("c-42", "appointments", "[{\"channel\":\"sms\",\"addresses\":[\"+31612345678\"]}]", "");

        HttpResponse<String> response = post(smsOnly("c-42", "Hello"), Map.of("X-Tenant-Sms-Countries", "US"));
        String id = json.readTree(response.body()).get("id").asString();

        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("suppressed"));
        assertThat(view(id).toString()).contains("NL is not among the countries this tenant may text");
    }

    @Test
    void aTenantWhoseWebhookWasClearedGetsNoMoreCalls() {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-16", "appointments", EMAIL_ONLY, "");
        PREFERENCES.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/hooks/cleared"))
                .willReturn(aResponse().withStatus(204)));
        String first = sendWithWebhook(PREFERENCES.baseUrl() + "/hooks/cleared");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> hookStatuses("/hooks/cleared", first).contains("dispatched"));

        // the gateway passes empty values once the tenant has no webhook
        String second = sendWithWebhook("");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> view(second).get("status").asString().equals("dispatched"));

        assertThat(webhooks.find(tenantId))
                .as("forgotten, not kept as an empty URL")
                .isEmpty();
        // whether to post a change is decided when it happens, before the change can be seen
        assertThat(hookStatuses("/hooks/cleared", second)).isEmpty();
    }

    @Test
    void aWebhookChangeThePushedByTheGatewayReachesWaitingMessagesAndAnOlderWordCannotUndoIt() {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-30", "appointments", EMAIL_ONLY, "");
        for (String hook : List.of("/hooks/before", "/hooks/after")) {
            PREFERENCES.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(hook))
                    .willReturn(aResponse().withStatus(204)));
        }
        Map<String, String> before = Map.of(
                "X-Tenant-Webhook-Url", PREFERENCES.baseUrl() + "/hooks/before",
                "X-Tenant-Webhook-Secret", "whsec_before",
                "X-Tenant-Settings-Version", "1");
        String due = ",\"sendAt\":\"2026-11-27T12:00:00Z\"";
        HttpResponse<String> accepted = post(message("c-30", "appointments", due), before);
        String id = json.readTree(accepted.body()).get("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> hookStatuses("/hooks/before", id).contains("scheduled"));

        // the operator moves the webhook; the gateway pushes the change with the tenant's next version
        HttpResponse<String> missingVersion = business.send(
                "PUT", "/internal/webhook", "{\"url\":\"" + PREFERENCES.baseUrl() + "/hooks/after\"}", Map.of());
        HttpResponse<String> pushed = business.send(
                "PUT",
                "/internal/webhook",
                "{\"url\":\"" + PREFERENCES.baseUrl() + "/hooks/after\",\"secret\":\"whsec_after\",\"version\":2}",
                Map.of());
        assertThat(missingVersion.statusCode()).isEqualTo(400);
        assertThat(missingVersion.body()).contains("version");
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(204);
        // past this replica's memory, a request admitted on a gateway replica's older view arrives
        CLOCK.set(CLOCK.instant().plus(TenantWebhooks.KEPT_FOR).plusSeconds(1));
        assertThat(post(message("c-30", "appointments", due), before).statusCode())
                .isEqualTo(202);

        assertThat(webhooks.find(tenantId))
                .hasValue(new TenantWebhooks.Webhook(PREFERENCES.baseUrl() + "/hooks/after", "whsec_after"));
        assertThat(business.delete("/v1/messages/" + id).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> hookStatuses("/hooks/after", id).contains("cancelled"));
        assertThat(hookStatuses("/hooks/before", id)).doesNotContain("cancelled");
    }

    private String sendWithWebhook(String url) {
        HttpResponse<String> response = post(
                message("c-16", "appointments", ""),
                Map.of(
                        "X-Tenant-Webhook-Url",
                        url,
                        "X-Tenant-Webhook-Secret",
                        url.isEmpty() ? "" : "whsec_clear-test"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("id").asString();
    }

    private List<String> hookStatuses(String hook, String id) {
        return PREFERENCES
                .findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo(hook)))
                .stream()
                .map(r -> json.readTree(r.getBodyAsString()))
                .filter(b -> b.get("id").asString().equals(id))
                .map(b -> b.get("status").asString())
                .toList();
    }

    /**
     * A message stored {@code accepted} for {@code customer} and nothing more: as if routing died between
     * storing it and the broker's confirm of its message.accepted.
     */
    private String storedNeverPublished(String name, String customer) {
        String id = "msg_" + TestNames.unique(name).replace("-", "");
        store.insertAccepted(
                tenantId,
                id,
                json.readValue(message(customer, "appointments", ""), io.relay.routing.message.MessageRequest.class),
                CLOCK.instant());
        return id;
    }

    @Test
    void aMessageStoredButNeverPublishedIsRoutedOnceItHasWaitedFiveMinutes() {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-17", "appointments", EMAIL_ONLY, "");
        // as if routing died between storing the message and the broker's confirm of message.accepted
        String id = storedNeverPublished("stalled", "c-17");
        assertThat(view(id).get("status").asString()).isEqualTo("accepted");

        CLOCK.advance(Duration.ofMinutes(6));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> view(id).get("status").asString().equals("dispatched"));
    }

    @Test
    void aMessageItsRedriveCannotRouteEndsFailedOnceItsBudgetIsOver() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        // preference-service cannot answer for this customer, for good: no routing succeeds
        PREFERENCES.stubFor(get(urlEqualTo("/internal/v1/customers/c-82/resolved?category=appointments"))
                .willReturn(aResponse().withStatus(503)));
        String id = storedNeverPublished("unrouted", "c-82");

        CLOCK.advance(Duration.ofMinutes(6)); // re-driven, and its message.accepted cannot route it either
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rows("SELECT count(*) FROM messages WHERE id = :v AND redriven_at IS NOT NULL", id) == 1);
        assertThat(status(id)).isEqualTo("accepted");

        CLOCK.advance(Duration.ofHours(25).plusMinutes(1)); // DELIVERY_MAX_AGE 24 h and the grace of 1 h

        await().atMost(Duration.ofSeconds(30)).until(() -> status(id).equals("failed"));
        assertThat(events(id)).containsExactly("accepted", "failed");
        assertThat(view(id).get("timeline").get(1).get("reason").asString())
                .isEqualTo("not routed within PT25H of its re-drive");
    }

    @Test
    void aMessageBackInAcceptedAfterItsRedriveIsRedrivenAgain() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-83", "appointments", SMS_THEN_EMAIL, "");
        String id = storedNeverPublished("back", "c-83");
        CLOCK.advance(Duration.ofMinutes(6));
        assertThat(takeDispatch(Queues.SMS_DISPATCH, id))
                .as("routed by its re-drive")
                .isNotNull();

        // its SMS failed half a minute later, and routing the fallback failed until its event was parked:
        // back in accepted, with nothing on the way
        CLOCK.advance(Duration.ofSeconds(30));
        assertThat(store.reopenAfterFailure(
                        tenantId,
                        id,
                        "sms",
                        new io.relay.routing.message.TimelineEntry(
                                CLOCK.instant(), "failed", "sms", "[21614] not a mobile number")))
                .isTrue();
        CLOCK.advance(Duration.ofMinutes(6));

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id))
                .as("re-driven again")
                .isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("dispatched"));
        assertThat(view(id).get("channel").asString()).isEqualTo("email");
    }

    @Test
    void aMessageWhoseDispatchTheBrokerDidNotConfirmIsAcceptedAndRoutedAgainByTheRedrive() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-18", "appointments", EMAIL_ONLY, "");
        String id;
        // the broker takes neither the dispatch nor the hand-off: both come back unroutable
        try (com.rabbitmq.client.Channel admin = connection.createChannel()) {
            admin.queueUnbind(Queues.EMAIL_DISPATCH.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_DISPATCH_EMAIL);
            admin.queueUnbind(Queues.ROUTING_ACCEPTED.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_MESSAGE_ACCEPTED);
            try {
                id = send(message("c-18", "appointments", ""));
            } finally {
                admin.queueBind(Queues.EMAIL_DISPATCH.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_DISPATCH_EMAIL);
                admin.queueBind(
                        Queues.ROUTING_ACCEPTED.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_MESSAGE_ACCEPTED);
            }
        }
        // recorded as dispatched before the broker said no: it is kept (202), not forgotten, and waits
        assertThat(status(id)).isEqualTo("accepted");
        assertThat(events(id)).containsExactly("accepted", "routed", "dispatched", "unconfirmed");
        assertThat(dispatchWaiting(Queues.EMAIL_DISPATCH, id)).isFalse();

        CLOCK.advance(Duration.ofMinutes(6)); // relay.scheduler.redrive-after

        assertThat(takeDispatch(Queues.EMAIL_DISPATCH, id)).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("dispatched"));
    }

    @Test
    void aMessageNeitherRoutedNorHandedOffIsRefusedWith503AndLeavesNoRowAndNoTimeline() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        // preference-service cannot answer, so it is not routed at acceptance; the hand-off is unroutable
        PREFERENCES.stubFor(get(urlEqualTo("/internal/v1/customers/c-19/resolved?category=appointments"))
                .willReturn(aResponse().withStatus(503)));
        HttpResponse<String> response;
        try (com.rabbitmq.client.Channel admin = connection.createChannel()) {
            admin.queueUnbind(Queues.ROUTING_ACCEPTED.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_MESSAGE_ACCEPTED);
            try {
                response = post(message("c-19", "appointments", ""), Map.of());
            } finally {
                admin.queueBind(
                        Queues.ROUTING_ACCEPTED.name(), Topology.EVENTS_EXCHANGE, Topology.KEY_MESSAGE_ACCEPTED);
            }
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        // forgotten with its first timeline entry: the timeline has no foreign key to cascade (V14)
        assertThat(rows("SELECT count(*) FROM messages WHERE tenant_id = :v", tenantId))
                .isZero();
        assertThat(rows("SELECT count(*) FROM message_events WHERE tenant_id = :v", tenantId))
                .isZero();
    }

    @Test
    void aScheduledMessageIsDispatchedInTheTraceItWasAcceptedIn() throws Exception {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        customer("c-18", "appointments", EMAIL_ONLY, "");
        String traceId = "4bf92f3577b34da6a3ce929d0e0e" + Integer.toHexString(0x1000 + (int) (Math.random() * 0xefff));
        HttpResponse<String> response = post(
                message("c-18", "appointments", ",\"sendAt\":\"2026-11-27T12:00:00Z\""),
                Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = json.readTree(response.body()).get("id").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("scheduled"));

        CLOCK.set(Instant.parse("2026-11-27T12:00:01Z"));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("dispatched"));

        String carried = null;
        try (Channel channel = connection.createChannel()) {
            GetResponse got;
            while ((got = channel.basicGet(Queues.EMAIL_DISPATCH.name(), true)) != null) {
                if (id.equals(got.getProps().getMessageId())) {
                    carried = String.valueOf(got.getProps().getHeaders().get("traceparent"));
                }
            }
        }
        assertThat(carried).as("the dispatch's traceparent, two hours later").contains(traceId);
    }
}
