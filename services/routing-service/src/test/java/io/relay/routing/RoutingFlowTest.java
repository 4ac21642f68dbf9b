package io.relay.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import io.relay.contracts.payload.CustomerErased;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.Queues;
import io.relay.testsupport.Http;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * routing-service on the real broker (a vhost of its own) and PostgreSQL (a schema of its own),
 * with preference-service simulated at the wire by WireMock.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RoutingFlowTest {

    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final String SCHEMA = TestNames.schema("routing_test");
    private static final WireMockServer PREFERENCES =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        PREFERENCES.start();
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("spring.datasource.url", () -> LocalInfrastructure.postgresUrlInSchema(SCHEMA));
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.default-schema", () -> SCHEMA);
        registry.add("relay.preference-service-url", PREFERENCES::baseUrl);
        // small, so that a test can fill it; the other tests send one message at a time
        registry.add("relay.routing.accepts-at-once", () -> "2");
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
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private final JsonMapper json = JsonMapper.builder().build();
    private Http business;

    @BeforeEach
    void client() {
        PREFERENCES.resetAll();
        // every category exists unless a test says otherwise
        PREFERENCES.stubFor(get(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/v1/categories/.*"))
                .atPriority(10)
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        business = Http.asGateway("http://localhost:" + port, "tenant-a");
    }

    /** preference-service's resolved choices: email accepted at this address. */
    private static String customerJson(String id, String email) {
        return """
                {"customerId":"%s","category":"appointments","kind":"transactional",
                 "channels":[{"channel":"email","addresses":["%s"]}],"excluded":[],
                 "timeZone":"Europe/Amsterdam","locale":"nl-NL","urgentAllowed":true}
                """.formatted(id, email);
    }

    private static com.github.tomakehurst.wiremock.matching.UrlPattern resolvedUrl(String customerId) {
        return urlEqualTo("/internal/v1/customers/" + customerId + "/resolved?category=appointments");
    }

    private String send(String customerId) {
        return send(business, customerId);
    }

    private String send(Http business, String customerId) {
        HttpResponse<String> response = business.post(
                "/v1/messages",
                "{\"customerId\":\"" + customerId + "\",\"category\":\"appointments\","
                        + "\"content\":{\"email\":{\"subject\":\"Hi\",\"text\":\"See you\"}}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("id").asString();
    }

    private JsonNode view(String id) {
        return json.readTree(business.get("/v1/messages/" + id).body());
    }

    private EmailDispatch takeDispatch(String messageId) throws Exception {
        try (Channel channel = connection.createChannel()) {
            EmailDispatch[] found = new EmailDispatch[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                GetResponse got = channel.basicGet(Queues.EMAIL_DISPATCH.name(), true);
                if (got != null) {
                    EmailDispatch dispatch = (EmailDispatch)
                            codec.decode(got.getProps(), got.getBody()).payload();
                    if (dispatch.messageId().equals(messageId)) {
                        found[0] = dispatch;
                    }
                }
                return found[0] != null;
            });
            return found[0];
        }
    }

    @Test
    void anAcceptedMessageIsDispatchedToTheCustomersAddressAndTheTimelineSaysWhy() throws Exception {
        PREFERENCES.stubFor(get(resolvedUrl("c-1"))
                .withHeader("X-Tenant-Id", equalTo("tenant-a"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-1", "ana@example.org"))));

        String id = send("c-1");
        assertThat(view(id).get("status").asString())
                .as("routed by the request that accepted it: dispatched when the 202 arrives")
                .isEqualTo("dispatched");

        EmailDispatch dispatch = takeDispatch(id);
        assertThat(dispatch.to()).isEqualTo("ana@example.org");
        assertThat(dispatch.subject()).isEqualTo("Hi");
        JsonNode message = view(id);
        assertThat(message.get("status").asString()).isEqualTo("dispatched");
        assertThat(message.get("timeline").get(1).get("event").asString()).isEqualTo("routed");
        assertThat(message.get("timeline").get(1).get("reason").asString())
                .isEqualTo("email: customer's choice 1 for appointments");
        // stored already routed: the row and its whole timeline committed together, in one transaction,
        // so no crash can leave it accepted-but-unrouted and the row is written once, never updated
        assertThat(jdbc.sql("""
                        SELECT count(DISTINCT x) FROM (
                            SELECT xmin::text AS x FROM %1$s.messages WHERE id = :id
                            UNION ALL SELECT xmin::text FROM %1$s.message_events WHERE message_id = :id) AS written
                        """.formatted(SCHEMA))
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Autowired
    redis.clients.jedis.JedisPooled redis;

    @Test
    void choicesInPreferenceServicesCacheAreUsedWithoutAskingAndAChangeThereMakesRoutingAskAgain() throws Exception {
        String tenant = "tenant-cache-" + java.util.UUID.randomUUID();
        Http tenantClient = Http.asGateway("http://localhost:" + port, tenant);
        // what preference-service keeps after answering once
        var cache = new io.relay.redis.ResolvedChoicesCache(redis);
        cache.put(cache.lookup(tenant, "c-9", "appointments").key(), customerJson("c-9", "cached@example.org"));
        PREFERENCES.stubFor(get(resolvedUrl("c-9"))
                .withHeader("X-Tenant-Id", equalTo(tenant))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-9", "asked@example.org"))));

        assertThat(takeDispatch(send(tenantClient, "c-9")).to()).isEqualTo("cached@example.org");
        assertThat(PREFERENCES
                        .countRequestsMatching(
                                getRequestedFor(resolvedUrl("c-9")).build())
                        .getCount())
                .as("answered from the cache, preference-service not asked")
                .isZero();

        // what preference-service does once a change to the customer commits: every later reader misses
        cache.customerChanged(tenant, "c-9");
        assertThat(takeDispatch(send(tenantClient, "c-9")).to()).isEqualTo("asked@example.org");
        assertThat(PREFERENCES
                        .countRequestsMatching(
                                getRequestedFor(resolvedUrl("c-9")).build())
                        .getCount())
                .isEqualTo(1);
        // another tenant's customer of the same id is never answered from this tenant's entry
        PREFERENCES.stubFor(get(resolvedUrl("c-9"))
                .withHeader("X-Tenant-Id", equalTo("tenant-a"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-9", "other@example.org"))));
        cache.put(cache.lookup(tenant, "c-9", "appointments").key(), customerJson("c-9", "cached@example.org"));
        assertThat(takeDispatch(send("c-9")).to()).isEqualTo("other@example.org");
    }

    @Test
    void whilePreferenceServiceCannotAnswerTheMessageWaitsAndIsRoutedOnceItCan() throws Exception {
        PREFERENCES.stubFor(
                get(resolvedUrl("c-2")).atPriority(5).willReturn(aResponse().withStatus(503)));

        String id = send("c-2");

        // one delivery of the message: three tries with backoff, then it goes to the retry queue
        await().atMost(Duration.ofSeconds(10))
                .until(() -> PREFERENCES
                                .countRequestsMatching(
                                        getRequestedFor(resolvedUrl("c-2")).build())
                                .getCount()
                        >= 3);
        assertThat(view(id).get("status").asString())
                .as("never sent, never suppressed against unknown preferences")
                .isEqualTo("accepted");

        PREFERENCES.stubFor(get(resolvedUrl("c-2"))
                .atPriority(1)
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-2", "bo@example.org"))));
        EmailDispatch dispatch = takeDispatch(id); // after the retry queue's delay
        assertThat(dispatch.to()).isEqualTo("bo@example.org");
    }

    @Test
    void aCustomerPreferenceServiceDoesNotKnowIsSuppressedWithTheReason() {
        PREFERENCES.stubFor(get(resolvedUrl("c-3"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":404,\"detail\":\"customer c-3 not found\"}")));

        String id = send("c-3");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> view(id).get("status").asString().equals("suppressed"));
        assertThat(view(id).get("timeline").get(1).get("reason").asString())
                .isEqualTo("preference-service: customer c-3 not found");
    }

    @Test
    void deliveryEventsMoveTheStatusForwardOnlyAndARepeatChangesNothing() throws Exception {
        PREFERENCES.stubFor(get(resolvedUrl("c-4"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-4", "cy@example.org"))));
        String id = send("c-4");
        takeDispatch(id);
        DeliveryEvent sent = new DeliveryEvent(
                id, "email", DeliveryEvent.Status.SENT, "<" + id + "@relay>", null, null, Instant.now());

        for (int i = 0; i < 2; i++) {
            publisher.publishAndWait(
                    Topology.EVENTS_EXCHANGE,
                    Topology.deliveryKey("email", "sent"),
                    Envelope.of(id, "tenant-a", sent, null, Instant.now()),
                    Duration.ofSeconds(5));
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> view(id).get("status").asString().equals("sent"));
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> view(id).get("timeline").findValuesAsString("event").stream()
                                .filter("sent"::equals)
                                .count()
                        == 1);
    }

    @Test
    void prometheusShowsTheMessageCountedByTenantAndChannelAndItsEndToEndTime() throws Exception {
        String tenant = TestNames.unique("tenant-metrics");
        business = Http.asGateway("http://localhost:" + port, tenant);
        PREFERENCES.stubFor(get(resolvedUrl("c-m"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-m", "cm@example.org"))));
        String id = send("c-m");
        takeDispatch(id);
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.deliveryKey("email", "sent"),
                Envelope.of(
                        id,
                        tenant,
                        new DeliveryEvent(
                                id, "email", DeliveryEvent.Status.SENT, "<" + id + ">", null, null, Instant.now()),
                        null,
                        Instant.now()),
                Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> view(id).get("status").asString().equals("sent"));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String scrape = business.get("/actuator/prometheus").body();
            assertThat(sample(scrape, "relay_messages_accepted_total", "tenant=\"" + tenant + "\""))
                    .isEqualTo(1.0);
            for (String status : List.of("dispatched", "sent")) {
                assertThat(sample(
                                scrape,
                                "relay_message_status_total",
                                "channel=\"email\"",
                                "status=\"" + status + "\"",
                                "tenant=\"" + tenant + "\""))
                        .as(status)
                        .isEqualTo(1.0);
            }
            assertThat(sample(scrape, "relay_message_end_to_end_seconds_count", "channel=\"email\""))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(sample(
                            scrape,
                            "relay_consumer_messages_total",
                            "outcome=\"acked\"",
                            "queue=\"routing.delivery-events\""))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(sample(scrape, "relay_queue_messages", "queue=\"routing.message-accepted.parking\""))
                    .isZero();
            // each request and message is timed, but no long-task timer runs beside it (TracingEnvironment)
            assertThat(scrape).contains("http_server_requests_seconds_count");
            assertThat(scrape).doesNotContain("_active_seconds");
        });
    }

    /** The value of the one sample of {@code name} whose labels include all of {@code labels}. */
    private static double sample(String scrape, String name, String... labels) {
        List<String> lines = scrape.lines()
                .filter(l -> l.startsWith(name + "{"))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
                .toList();
        assertThat(lines)
                .as(
                        "%s%s in%n%s",
                        name,
                        List.of(labels),
                        scrape.lines().filter(l -> l.startsWith("relay_")).toList())
                .hasSize(1);
        return Double.parseDouble(lines.getFirst().substring(lines.getFirst().lastIndexOf(' ') + 1));
    }

    @Test
    void anErasedCustomersPendingMessagesAreCancelledAndTheirContentDropped() throws Exception {
        // preference-service is down: the message waits, accepted
        PREFERENCES.stubFor(get(resolvedUrl("c-6")).willReturn(aResponse().withStatus(503)));
        String id = send("c-6");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> PREFERENCES
                                .countRequestsMatching(
                                        getRequestedFor(resolvedUrl("c-6")).build())
                                .getCount()
                        >= 1);

        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_CUSTOMER_ERASED,
                Envelope.of("erase-1", "tenant-a", new CustomerErased("c-6", Instant.now()), null, Instant.now()),
                Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> view(id).get("status").asString().equals("cancelled"));
        assertThat(view(id).get("timeline").get(1).get("reason").asString()).isEqualTo("customer erased");
        assertThat(jdbc.sql("SELECT request::text FROM " + SCHEMA + ".messages WHERE id = :id")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .doesNotContain("See you")
                .doesNotContain("content");
    }

    @Test
    void afterErasureRoutingKeepsNeitherTheCustomersIdNorAddressesNorContentOnlyThePseudonym() throws Exception {
        PREFERENCES.stubFor(get(resolvedUrl("c-60"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-60", "eve@example.org"))));
        String id = send("c-60");
        assertThat(takeDispatch(id).to()).isEqualTo("eve@example.org");
        // two message.accepted parked for an operator: the erased customer's, and someone else's
        try (com.rabbitmq.client.Channel channel = connection.createChannel()) {
            channel.confirmSelect(); // both parked before the erasure is announced
            for (String customer : List.of("c-60", "c-61")) {
                Envelope<Object> parked = Envelope.of(
                        "parked-" + customer,
                        "tenant-a",
                        new io.relay.contracts.payload.MessageAccepted(
                                "msg-parked-" + customer, customer, "appointments"),
                        null,
                        Instant.now());
                channel.basicPublish(
                        "", Queues.ROUTING_ACCEPTED.name() + ".parking", codec.properties(parked), codec.body(parked));
            }
            channel.waitForConfirmsOrDie(5_000);
        }

        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_CUSTOMER_ERASED,
                Envelope.of(
                        "erase-60",
                        "tenant-a",
                        new CustomerErased("c-60", Instant.now(), "erased:5f1c0a"),
                        null,
                        Instant.now()),
                Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("SELECT customer_id FROM " + SCHEMA + ".messages WHERE id = :id")
                        .param("id", id)
                        .query(String.class)
                        .single()
                        .equals("erased:5f1c0a"));
        String row = jdbc.sql("SELECT row_to_json(m)::text FROM " + SCHEMA + ".messages m WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
        assertThat(row)
                .doesNotContain("c-60")
                .doesNotContain("eve@example.org")
                .doesNotContain("See you")
                .contains("erased:5f1c0a");
        List<String> stillParked = new java.util.ArrayList<>();
        try (com.rabbitmq.client.Channel channel = connection.createChannel()) {
            com.rabbitmq.client.GetResponse got;
            while ((got = channel.basicGet(Queues.ROUTING_ACCEPTED.name() + ".parking", false)) != null) {
                stillParked.add(got.getProps().getMessageId());
            } // unacked: back when the channel closes
        }
        assertThat(stillParked).contains("parked-c-61").doesNotContain("parked-c-60");
        assertThat(jdbc.sql("SELECT count(*) FROM " + SCHEMA + ".messages WHERE customer_id = 'c-60'")
                        .query(Integer.class)
                        .single())
                .isZero();
        try (com.rabbitmq.client.Channel channel = connection.createChannel()) {
            // the operator's part: the other tests' parking queue starts empty
            channel.queuePurge(Queues.ROUTING_ACCEPTED.name() + ".parking");
        }
    }

    @Test
    void aReplicaAcceptingAsManyAsItMayTurnsTheNextAwayWith503AndStoresNothing() throws Exception {
        // two accepts held in flight: the customer's choices take 2 s to come
        for (String slow : List.of("c-70", "c-72")) {
            PREFERENCES.stubFor(get(resolvedUrl(slow))
                    .willReturn(aResponse()
                            .withFixedDelay(2_000)
                            .withHeader("Content-Type", "application/json")
                            .withBody(customerJson(slow, "slow@example.org"))));
        }
        PREFERENCES.stubFor(get(resolvedUrl("c-71"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-71", "next@example.org"))));
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var first = pool.submit(() -> send("c-70"));
            var second = pool.submit(() -> send("c-72"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !PREFERENCES
                                    .findAll(getRequestedFor(resolvedUrl("c-70")))
                                    .isEmpty()
                            && !PREFERENCES
                                    .findAll(getRequestedFor(resolvedUrl("c-72")))
                                    .isEmpty());

            HttpResponse<String> turnedAway = business.post(
                    "/v1/messages",
                    "{\"customerId\":\"c-71\",\"category\":\"appointments\","
                            + "\"content\":{\"email\":{\"subject\":\"Hi\",\"text\":\"See you\"}}}");
            assertThat(turnedAway.statusCode()).as(turnedAway.body()).isEqualTo(503);
            assertThat(turnedAway.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(turnedAway.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(json.readTree(turnedAway.body()).get("type").asString())
                    .isEqualTo("https://relay.example/problems/busy");
            assertThat(jdbc.sql("SELECT count(*) FROM " + SCHEMA + ".messages WHERE customer_id = 'c-71'")
                            .query(Long.class)
                            .single())
                    .as("nothing stored for the message turned away")
                    .isZero();
            // turned away before its body is read: not even a malformed one is parsed
            HttpResponse<String> unread = business.post("/v1/messages", "{\"customerId\":");
            assertThat(unread.statusCode()).as(unread.body()).isEqualTo(503);
            assertThat(json.readTree(unread.body()).get("type").asString())
                    .isEqualTo("https://relay.example/problems/busy");

            assertThat(view(first.get()).get("status").asString()).isEqualTo("dispatched");
            assertThat(view(second.get()).get("status").asString()).isEqualTo("dispatched");
        }
        String later = send("c-71");
        assertThat(view(later).get("status").asString())
                .as("accepted again once the two in flight were done")
                .isEqualTo("dispatched");
        assertThat(sample(business.get("/actuator/prometheus").body(), "relay_accepts_turned_away_total"))
                .isEqualTo(2.0);
    }

    @Test
    void theTraceGoesOnToPreferenceServiceButACallersBaggageDoesNot() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        PREFERENCES.stubFor(get(resolvedUrl("c-bag"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-bag", "bag@example.org"))));

        send(
                business.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                        .header("baggage", "tenant=someone-else"),
                "c-bag");

        var asked = PREFERENCES.findAll(getRequestedFor(resolvedUrl("c-bag")));
        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst().getHeader("traceparent"))
                .as("the message's trace, continued")
                .contains(traceId);
        assertThat(asked.getFirst().containsHeader("baggage"))
                .as("W3C baggage is neither read nor passed on (TracingEnvironment)")
                .isFalse();
    }

    @Test
    void aPlaceAmongTheAcceptsAtOnceIsGivenBackWhateverTheAnswer() {
        // this class's replica accepts two at once: six refusals in a row, each of which held a place
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> malformed = business.post("/v1/messages", "{\"customerId\":");
            assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
            HttpResponse<String> invalid = business.post(
                    "/v1/messages", "{\"category\":\"appointments\",\"content\":{\"email\":{\"subject\":\"Hi\"}}}");
            assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(400);
            assertThat(invalid.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        PREFERENCES.stubFor(get(resolvedUrl("c-73"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(customerJson("c-73", "c73@example.org"))));

        assertThat(view(send("c-73")).get("status").asString())
                .as("both places free again: accepted, not turned away")
                .isEqualTo("dispatched");
    }

    @Test
    void anotherTenantCannotReadTheMessage() {
        PREFERENCES.stubFor(get(resolvedUrl("c-5")).willReturn(aResponse().withStatus(404)));
        String id = send("c-5");

        HttpResponse<String> response =
                Http.asGateway("http://localhost:" + port, "tenant-b").get("/v1/messages/" + id);

        assertThat(response.statusCode()).isEqualTo(404);
    }
}
