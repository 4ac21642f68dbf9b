package io.relay.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.Queues;
import io.relay.testsupport.QueueProbe;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.SmtpServer;
import io.relay.testsupport.TestNames;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** email-service against the real broker (own vhost), the real Redis and a real SMTP server. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmailDispatchTest {

    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final SmtpServer SMTP = SmtpServer.start();

    /** No tenant here has provider accounts of its own: every message goes through the platform's. */
    private static final io.relay.testsupport.GatewayStandIn GATEWAY =
            io.relay.testsupport.GatewayStandIn.withoutTenantAccounts();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("relay.gateway-admin-url", GATEWAY::url);
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("smtp.port", SMTP::port);
        registry.add("smtp.host", () -> "127.0.0.1");
        registry.add("relay.public-base-url", () -> "https://relay.test");
    }

    @AfterAll
    static void tearDown() {
        SMTP.close();
        VHOST.close();
    }

    @Autowired
    ConfirmingPublisher publisher;

    @Autowired
    Connection connection;

    @Autowired
    EnvelopeCodec codec;

    private EmailDispatch dispatch(String messageId) {
        return new EmailDispatch(
                messageId,
                "c-42",
                "appointments",
                "ana@example.org",
                "Tandarts Zoë <no-reply@acme.example>",
                "Uw afspraak — morgen 09:30",
                "See you at 09:30",
                "<p>See you at <b>09:30</b></p>",
                null,
                null,
                "transactional");
    }

    private void publish(String tenant, EmailDispatch email) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_DISPATCH_EMAIL,
                Envelope.of(email.messageId(), tenant, email, null, Instant.now()),
                Duration.ofSeconds(5));
    }

    private List<DeliveryEvent> deliveryEvents(String messageId, int expected) {
        return QueueProbe.take(
                connection,
                Queues.ROUTING_DELIVERY.name(),
                got -> codec.decode(got.getProps(), got.getBody()).payload(),
                DeliveryEvent.class,
                e -> e.messageId().equals(messageId),
                expected,
                Duration.ofSeconds(10));
    }

    private List<MimeMessage> receivedFor(String messageId) throws Exception {
        List<MimeMessage> matching = new ArrayList<>();
        for (MimeMessage m : SMTP.received()) {
            if (m.getMessageID().equals("<" + messageId + "@relay>")) {
                matching.add(m);
            }
        }
        return matching;
    }

    @Test
    void aDispatchedEmailReachesTheSmtpServerAsTextAndHtmlAndASentEventGoesBack() throws Exception {
        String id = TestNames.unique("msg");
        publish("tenant-a", dispatch(id));

        List<DeliveryEvent> events = deliveryEvents(id, 1);

        assertThat(events.getFirst().status()).isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(events.getFirst().channel()).isEqualTo("email");
        assertThat(events.getFirst().providerMessageId()).isEqualTo("<" + id + "@relay>");
        List<MimeMessage> received = receivedFor(id);
        assertThat(received).hasSize(1);
        MimeMessage mail = received.getFirst();
        assertThat(mail.getSubject()).isEqualTo("Uw afspraak — morgen 09:30");
        assertThat(mail.getFrom()[0].toString()).contains("no-reply@acme.example");
        assertThat(((jakarta.mail.internet.InternetAddress) mail.getFrom()[0]).getPersonal())
                .isEqualTo("Tandarts Zoë");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ana@example.org");
        MimeMultipart body = (MimeMultipart) mail.getContent();
        assertThat(body.getContentType()).startsWith("multipart/alternative");
        assertThat(body.getBodyPart(0).getContent().toString()).contains("See you at 09:30");
        assertThat(body.getBodyPart(1).getContentType()).startsWith("text/html");
    }

    @Autowired
    redis.clients.jedis.JedisPooled redis;

    @Test
    void anAddressThatComplainedGetsNoMoreMarketingButStillItsReceipts() throws Exception {
        String tenant = TestNames.unique("tenant");
        // preference-service put it on the list for marketing only: a spam complaint
        redis.set(io.relay.contracts.Suppressions.redisKey(tenant, "email", "ana@example.org", true), "spam complaint");
        String offer = TestNames.unique("msg");
        String receipt = TestNames.unique("msg");
        EmailDispatch base = dispatch(offer);
        publish(
                tenant,
                new EmailDispatch(
                        offer,
                        base.customerId(),
                        "offers",
                        base.to(),
                        base.from(),
                        "Sale",
                        "Everything must go",
                        null,
                        null,
                        null,
                        "marketing"));
        publish(tenant, dispatch(receipt));

        // one probe for both: the two are handled side by side, and a probe drops what is not its own
        List<DeliveryEvent> events = QueueProbe.take(
                connection,
                Queues.ROUTING_DELIVERY.name(),
                got -> codec.decode(got.getProps(), got.getBody()).payload(),
                DeliveryEvent.class,
                e -> e.messageId().equals(offer) || e.messageId().equals(receipt),
                2,
                Duration.ofSeconds(10));
        assertThat(events)
                .filteredOn(e -> e.messageId().equals(offer))
                .singleElement()
                .extracting(DeliveryEvent::code)
                .isEqualTo("suppressed");
        assertThat(events)
                .filteredOn(e -> e.messageId().equals(receipt))
                .singleElement()
                .extracting(DeliveryEvent::status)
                .isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(receivedFor(offer)).isEmpty();
        assertThat(receivedFor(receipt)).hasSize(1);
    }

    @Test
    void aRedeliveredDispatchSendsNoSecondEmailButRepeatsTheSentEvent() throws Exception {
        String id = TestNames.unique("msg");
        publish("tenant-a", dispatch(id));
        deliveryEvents(id, 1);

        publish("tenant-a", dispatch(id));
        List<DeliveryEvent> repeated = deliveryEvents(id, 1);

        assertThat(repeated.getFirst().status()).isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(receivedFor(id)).hasSize(1);
    }

    private static String partOfType(MimeMultipart body, String type) throws Exception {
        for (int i = 0; i < body.getCount(); i++) {
            if (body.getBodyPart(i)
                    .getContentType()
                    .toLowerCase(java.util.Locale.ROOT)
                    .startsWith(type)) {
                Object content = body.getBodyPart(i).getContent();
                return content instanceof String text
                        ? text
                        : new String(
                                ((java.io.InputStream) content).readAllBytes(),
                                java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Test
    void marketingEmailCarriesOneClickListUnsubscribeAndEveryEmailAPreferencesFooter() throws Exception {
        String offer = TestNames.unique("msg");
        String receipt = TestNames.unique("msg");
        publish(
                "tenant-a",
                new EmailDispatch(
                        offer,
                        "c-42",
                        "offers",
                        "ana@example.org",
                        null,
                        "Sale",
                        "20% off",
                        "<html><body><p>20% off</p></body></html>",
                        null,
                        null,
                        "marketing"));
        deliveryEvents(offer, 1);
        publish(
                "tenant-a",
                new EmailDispatch(
                        receipt,
                        "c-42",
                        "receipts",
                        "ana@example.org",
                        null,
                        "Receipt",
                        "Thanks",
                        null,
                        null,
                        null,
                        "transactional"));
        deliveryEvents(receipt, 1);

        MimeMessage marketing = receivedFor(offer).getFirst();
        String listUnsubscribe = marketing.getHeader("List-Unsubscribe", null);
        assertThat(listUnsubscribe)
                .startsWith("<https://relay.test/unsubscribe?token=")
                .endsWith(">");
        assertThat(marketing.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        MimeMultipart body = (MimeMultipart) marketing.getContent();
        assertThat(partOfType(body, "text/html"))
                .contains("https://relay.test/preferences?token=")
                .contains(">unsubscribe</a>")
                .endsWith("</p></body></html>");
        MimeMessage transactional = receivedFor(receipt).getFirst();
        assertThat(transactional.getHeader("List-Unsubscribe")).isNull();
        String text = partOfType((MimeMultipart) transactional.getContent(), "text/plain");
        assertThat(text).startsWith("Thanks").contains("How we contact you: https://relay.test/preferences?token=");
        // the preference link lives as long as everywhere else it is issued: 7 days (relay.links.preference-ttl)
        String token = java.net.URLDecoder.decode(
                text.replaceAll("(?s).*preferences\\?token=([^\\s]+).*", "$1"),
                java.nio.charset.StandardCharsets.UTF_8);
        long expires = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))))
                .get("exp")
                .asLong();
        assertThat(java.time.Duration.between(java.time.Instant.now(), java.time.Instant.ofEpochSecond(expires)))
                .isBetween(java.time.Duration.ofDays(7).minusMinutes(5), java.time.Duration.ofDays(7));
    }

    @Test
    void anAppointmentEmailCarriesACalendarInvite() throws Exception {
        String id = TestNames.unique("msg");
        publish(
                "tenant-a",
                new EmailDispatch(
                        id,
                        "c-42",
                        "appointments",
                        "ana@example.org",
                        "Tandarts <agenda@acme.example>",
                        "Your check-up",
                        "See you",
                        null,
                        new io.relay.contracts.payload.Appointment(
                                "apt-7",
                                "Check-up, Dr. Zoë",
                                Instant.parse("2026-11-28T08:30:00Z"),
                                Instant.parse("2026-11-28T09:00:00Z"),
                                "Main St 1; Amsterdam",
                                "https://acme.example/r/7"),
                        null,
                        "transactional"));
        deliveryEvents(id, 1);

        String ics = partOfType((MimeMultipart) receivedFor(id).getFirst().getContent(), "text/calendar");

        assertThat(ics).isNotNull();
        String unfolded = ics.replace("\r\n ", "");
        assertThat(unfolded)
                .contains("METHOD:REQUEST\r\n")
                .contains("UID:apt-7@relay\r\n")
                .contains("DTSTART:20261128T083000Z\r\n")
                .contains("DTEND:20261128T090000Z\r\n")
                .contains("SUMMARY:Check-up\\, Dr. Zoë\r\n")
                .contains("LOCATION:Main St 1\\; Amsterdam\r\n")
                .contains("URL:https://acme.example/r/7\r\n")
                .contains("ORGANIZER:mailto:agenda@acme.example\r\n")
                // parameters in any order (RFC 5545 3.2)
                .containsPattern(
                        "\r\nATTENDEE(?=[^:]*;ROLE=REQ-PARTICIPANT)(?=[^:]*;RSVP=FALSE)[^:\r\n]*:mailto:ana@example.org\r\n");
        assertThat(ics.lines()
                        .mapToInt(line -> line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                        .max()
                        .orElse(0))
                .as("folded at 75 octets")
                .isLessThanOrEqualTo(75);
    }
}
