package io.relay.preference.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.ContactEvent;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.preference.PreferenceServiceTestBase;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Contact events arrive over RabbitMQ from the channel services and change consent and contacts. */
class ContactEventsTest extends PreferenceServiceTestBase {

    @Autowired
    ConfirmingPublisher publisher;

    @BeforeEach
    void setUp() {
        category("appointments", "transactional", "sms", "email");
        category("offers", "marketing", "sms");
        customer(
                "c-1",
                "{\"phone\":\"+31612345678\",\"pushTokens\":[{\"token\":\"dead-token-123456789\",\"platform\":\"android\"},"
                        + "{\"token\":\"live-token\",\"platform\":\"ios\"}]}");
        api.put(
                "/v1/customers/c-1/preferences",
                "{\"categories\":{\"offers\":{\"channels\":[\"sms\"]}},\"source\":\"shop\"}");
    }

    private void publish(ContactEvent.Kind kind, String address, String keyword) {
        ContactEvent event = new ContactEvent(kind, address, keyword, "reported by provider", Instant.now());
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.contactKey(kind),
                Envelope.of("ct_" + UUID.randomUUID(), tenant, event, null, Instant.now()),
                Duration.ofSeconds(5));
    }

    private JsonNode smsFor(String category) {
        return read(api.get("/internal/v1/customers/c-1/resolved?category=" + category)
                .body());
    }

    @Test
    void stopTakesSmsAwayEverywhereAndStartGivesBackWhatStopTook() {
        publish(ContactEvent.Kind.SMS_OPT_OUT, "+31612345678", "STOP");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !smsFor("appointments")
                        .get("channels")
                        .findValuesAsString("channel")
                        .contains("sms"));
        assertThat(smsFor("offers").get("channels").size()).isZero();
        JsonNode ledger = read(api.get("/v1/customers/c-1/consents").body());
        JsonNode last = ledger.get(ledger.size() - 1);
        assertThat(last.get("source").asString()).isEqualTo("sms-keyword");
        assertThat(last.get("evidence").asString()).isEqualTo("STOP");
        assertThat(last.get("granted").asBoolean()).isFalse();

        publish(ContactEvent.Kind.SMS_OPT_IN, "+31612345678", "START");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> smsFor("offers")
                        .get("channels")
                        .findValuesAsString("channel")
                        .contains("sms"));
        assertThat(smsFor("appointments").get("channels").findValuesAsString("channel"))
                .contains("sms");
    }

    @Test
    void aDeadPushTokenIsRemovedAndNoted() {
        publish(ContactEvent.Kind.PUSH_TOKEN_INVALID, "dead-token-123456789", null);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> read(api.get("/v1/customers/c-1").body())
                                .get("pushTokens")
                                .size()
                        == 1);
        assertThat(read(api.get("/v1/customers/c-1").body())
                        .get("pushTokens")
                        .get(0)
                        .get("token")
                        .asString())
                .isEqualTo("live-token");
        JsonNode ledger = read(api.get("/v1/customers/c-1/consents").body());
        JsonNode last = ledger.get(ledger.size() - 1);
        assertThat(last.get("channel").asString()).isEqualTo("push");
        assertThat(last.get("note").asString()).contains("push token removed");
        assertThat(last.get("evidence").asString()).doesNotContain("dead-token-1");
    }

    @Test
    void aDeadTokenPutBackByTheBusinessIsNotUsedAgainItIsOnTheSuppressionList() {
        category("news", "transactional", "push");
        publish(ContactEvent.Kind.PUSH_TOKEN_INVALID, "dead-token-123456789", null);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> read(api.get("/v1/customers/c-1").body())
                                .get("pushTokens")
                                .size()
                        == 1);

        // the business's next profile update sends the token it still has
        customer(
                "c-1",
                "{\"phone\":\"+31612345678\",\"pushTokens\":[{\"token\":\"dead-token-123456789\",\"platform\":\"android\"},"
                        + "{\"token\":\"live-token\",\"platform\":\"ios\"}]}");

        JsonNode resolved = read(
                api.get("/internal/v1/customers/c-1/resolved?category=news").body());
        assertThat(java.util.stream.StreamSupport.stream(
                                resolved.get("channels").get(0).get("addresses").spliterator(), false)
                        .map(JsonNode::asString)
                        .toList())
                .containsExactly("live-token");
    }

    @Test
    void aStoppedNumberIsNotUsedForAnotherCustomerEitherUntilStart() {
        publish(ContactEvent.Kind.SMS_OPT_OUT, "+31612345678", "STOP");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !smsFor("appointments")
                        .get("channels")
                        .findValuesAsString("channel")
                        .contains("sms"));

        customer("c-2", "{\"phone\":\"+31612345678\"}"); // the same number, given for someone else later
        JsonNode resolved = read(api.get("/internal/v1/customers/c-2/resolved?category=appointments")
                .body());

        assertThat(resolved.get("channels").findValuesAsString("channel")).doesNotContain("sms");
        assertThat(resolved.get("excluded").toString()).contains("suppression list");

        publish(ContactEvent.Kind.SMS_OPT_IN, "+31612345678", "START");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> read(api.get("/internal/v1/customers/c-2/resolved?category=appointments")
                                .body())
                        .get("channels")
                        .findValuesAsString("channel")
                        .contains("sms"));
    }

    @Test
    void aHardBounceSuppressesTheAddressAndAComplaintTakesOnlyMarketingEmailAway() {
        category("news", "marketing", "email");
        customer("c-5", "{\"email\":\"ann@example.org\"}");
        api.put(
                "/v1/customers/c-5/preferences",
                "{\"categories\":{\"news\":{\"channels\":[\"email\"]}},\"source\":\"shop\"}");
        ContactEvent complaint = new ContactEvent(
                ContactEvent.Kind.EMAIL_COMPLAINED, null, null, "abuse <arf-1@mailbox.example>", Instant.now(), "c-5");
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.contactKey(complaint.kind()),
                Envelope.of("ct_" + UUID.randomUUID(), tenant, complaint, null, Instant.now()),
                Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> read(api.get("/internal/v1/customers/c-5/resolved?category=news")
                                .body())
                        .get("channels")
                        .isEmpty());
        JsonNode ledger = read(api.get("/v1/customers/c-5/consents").body());
        JsonNode last = ledger.get(ledger.size() - 1);
        assertThat(last.get("source").asString()).isEqualTo("email-complaint");
        assertThat(last.get("granted").asBoolean()).isFalse();
        assertThat(read(api.get("/internal/v1/customers/c-5/resolved?category=appointments")
                                .body())
                        .get("channels")
                        .findValuesAsString("channel"))
                .as("transactional email still goes")
                .contains("email");
        // the address itself, for marketing: someone given it later and opted in gets no offers by email
        customer("c-6", "{\"email\":\"ANN@example.org\"}");
        api.put(
                "/v1/customers/c-6/preferences",
                "{\"categories\":{\"news\":{\"channels\":[\"email\"]}},\"source\":\"shop\"}");
        JsonNode news = read(
                api.get("/internal/v1/customers/c-6/resolved?category=news").body());
        assertThat(news.get("channels").findValuesAsString("channel")).doesNotContain("email");
        assertThat(news.get("excluded").toString()).contains("suppression list");
        assertThat(read(api.get("/internal/v1/customers/c-6/resolved?category=appointments")
                                .body())
                        .get("channels")
                        .findValuesAsString("channel"))
                .contains("email");

        publish(ContactEvent.Kind.EMAIL_BOUNCED, "Ann@Example.org", null);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !read(api.get("/internal/v1/customers/c-5/resolved?category=appointments")
                                .body())
                        .get("channels")
                        .findValuesAsString("channel")
                        .contains("email"));
        assertThat(read(api.get("/internal/v1/customers/c-5/resolved?category=appointments")
                                .body())
                        .get("excluded")
                        .toString())
                .contains("suppression list");
    }
}
