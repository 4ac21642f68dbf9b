package io.relay.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.rabbitmq.client.Connection;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.email.bounce.BounceMailbox;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.Queues;
import io.relay.testsupport.QueueProbe;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.SmtpServer;
import io.relay.testsupport.TestNames;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Bounces and complaints, read back: mail goes out with its own return path (VERP) to a real SMTP
 * server, and reports land in a real IMAP mailbox (GreenMail) that email-service reads.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BounceMailboxTest {

    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final SmtpServer SMTP = SmtpServer.start();
    private static final GreenMail IMAP = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", "imap"));
    private static final String MAILBOX_PASSWORD = TestNames.unique("pw");
    private static final GreenMailUser BOUNCES;
    private static final Pattern RETURN_PATH = Pattern.compile("bounce\\+[a-z2-7]{26}@bounces\\.test");

    static {
        IMAP.start();
        BOUNCES = IMAP.setUser("bounces@bounces.test", "bounces", MAILBOX_PASSWORD);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** No tenant here has provider accounts of its own: every message goes through the platform's. */
    private static final io.relay.testsupport.GatewayStandIn GATEWAY =
            io.relay.testsupport.GatewayStandIn.withoutTenantAccounts();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("relay.gateway-admin-url", GATEWAY::url);
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("smtp.port", SMTP::port);
        registry.add("smtp.host", () -> "127.0.0.1");
        registry.add("relay.bounces.domain", () -> "bounces.test");
        registry.add("relay.bounces.imap-host", () -> "127.0.0.1");
        registry.add("relay.bounces.imap-port", () -> IMAP.getImap().getPort());
        registry.add("relay.bounces.imap-tls", () -> "false");
        registry.add("relay.bounces.username", () -> "bounces");
        registry.add("relay.bounces.password", () -> MAILBOX_PASSWORD);
        registry.add("relay.bounces.poll-interval", () -> "100ms");
    }

    @AfterAll
    static void tearDown() {
        IMAP.stop();
        SMTP.close();
        VHOST.close();
    }

    @Autowired
    ConfirmingPublisher publisher;

    @Autowired
    Connection connection;

    @Autowired
    EnvelopeCodec codec;

    @Autowired
    BounceMailbox mailbox;

    @Autowired
    redis.clients.jedis.JedisPooled redis;

    /** Sends one email through email-service and returns the return path it went out with. */
    private String send(String tenant, String messageId, String to, String kind) {
        int before = SMTP.received().size();
        EmailDispatch email =
                new EmailDispatch(messageId, "c-7", "offers", to, null, "Hi", "Hello", null, null, null, kind);
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_DISPATCH_EMAIL,
                Envelope.of(messageId, tenant, email, null, Instant.now()),
                Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.received().size() > before);
        MimeMessage sent = SMTP.received().getLast();
        try {
            String returnPath = sent.getHeader("Return-Path", null);
            Matcher matcher = RETURN_PATH.matcher(returnPath);
            assertThat(matcher.find()).as(returnPath).isTrue();
            return matcher.group();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void report(String raw) throws Exception {
        MimeMessage message = new MimeMessage(
                Session.getInstance(new Properties()), new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        BOUNCES.deliver(message);
    }

    private static String dsn(String returnPath, String recipient, String action, String status) {
        return """
                From: MAILER-DAEMON@mx.example.org
                To: %1$s
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <dsn-%5$s@mx.example.org>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

                --b1
                Content-Type: text/plain

                I'm sorry to have to inform you that your message could not be delivered.
                --b1
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.org

                Final-Recipient: rfc822; %2$s
                Action: %3$s
                Status: %4$s
                Diagnostic-Code: smtp; 550 5.1.1 <%2$s>: Recipient address rejected: User unknown

                --b1
                Content-Type: text/rfc822-headers

                Return-Path: <%1$s>
                Subject: Hi

                --b1--
                """.formatted(returnPath, recipient, action, status, TestNames.unique("d"))
                .replace("\n", "\r\n");
    }

    private <T> List<T> events(String queue, Class<T> type, java.util.function.Predicate<T> mine, int count) {
        return QueueProbe.take(
                connection,
                queue,
                got -> codec.decode(got.getProps(), got.getBody()).payload(),
                type,
                mine,
                count,
                Duration.ofSeconds(10));
    }

    /** Reports in the mailbox whose text contains this (a return path is in exactly one test's reports). */
    private int inMailbox(String naming) {
        int count = 0;
        for (MimeMessage message : IMAP.getReceivedMessagesForDomain("bounces.test")) {
            count += com.icegreen.greenmail.util.GreenMailUtil.getWholeMessage(message)
                            .contains(naming)
                    ? 1
                    : 0;
        }
        return count;
    }

    @Test
    void aHardBounceFailsItsMessageAndPutsTheAddressOnTheSuppressionList() throws Exception {
        String id = TestNames.unique("msg");
        String returnPath = send("tenant-b", id, "Gone@Example.org", "transactional");

        report(dsn(returnPath, "gone@example.org", "failed", "5.1.1"));

        DeliveryEvent failed = events(
                        Queues.ROUTING_DELIVERY.name(),
                        DeliveryEvent.class,
                        e -> e.messageId().equals(id) && e.status() == DeliveryEvent.Status.FAILED,
                        1)
                .getFirst();
        assertThat(failed.code()).isEqualTo("bounced");
        assertThat(failed.reason()).contains("5.1.1");
        ContactEvent bounced = events(
                        Queues.PREFERENCE_CONTACT.name(),
                        ContactEvent.class,
                        e -> e.kind() == ContactEvent.Kind.EMAIL_BOUNCED,
                        1)
                .getFirst();
        assertThat(bounced.address()).isEqualTo("gone@example.org");
        await().atMost(Duration.ofSeconds(10)).until(() -> inMailbox(returnPath) == 0);
    }

    @Test
    void aComplaintOptsTheCustomerOutOfMarketingEvenWhenTheReportHidesTheAddress() throws Exception {
        String id = TestNames.unique("msg");
        String returnPath = send("tenant-c", id, "ann@example.org", "marketing");

        report("""
                From: feedback@mailbox.example
                To: fbl@relay.test
                Subject: Complaint about message
                Message-ID: <arf-%2$s@mailbox.example>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="b2"

                --b2
                Content-Type: text/plain

                This is an email abuse report.
                --b2
                Content-Type: message/feedback-report

                Feedback-Type: abuse
                User-Agent: ExampleFBL/1.0
                Version: 1
                Original-Rcpt-To: redacted

                --b2
                Content-Type: message/rfc822

                Return-Path: <%1$s>
                From: no-reply@relay.localhost
                Subject: Hi

                Hello
                --b2--
                """.formatted(returnPath, TestNames.unique("a")).replace("\n", "\r\n"));

        ContactEvent complained = events(
                        Queues.PREFERENCE_CONTACT.name(),
                        ContactEvent.class,
                        e -> e.kind() == ContactEvent.Kind.EMAIL_COMPLAINED,
                        1)
                .getFirst();
        assertThat(complained.customerId()).isEqualTo("c-7");
        assertThat(complained.address()).as("the report named no one").isNull();
        assertThat(complained.detail()).startsWith("abuse");
        await().atMost(Duration.ofSeconds(10)).until(() -> inMailbox(returnPath) == 0);
    }

    @Test
    void aForgedOrSoftReportChangesNothingAndAForgedOneIsLeftForAPerson() throws Exception {
        String id = TestNames.unique("msg");
        String returnPath = send("tenant-d", id, "busy@example.org", "transactional");
        report(dsn(returnPath, "busy@example.org", "delayed", "4.2.2"));
        // a report to a return path we never made, for an address someone wants silenced
        report(dsn("bounce+aaaaaaaaaaaaaaaaaaaaaaaaaa@bounces.test", "victim@example.org", "failed", "5.1.1"));

        // the soft one is read and done with; the forged one is left for a person
        await().atMost(Duration.ofSeconds(10)).until(() -> inMailbox(returnPath) == 0);
        assertThat(inMailbox("victim@example.org")).isEqualTo(1);
        mailbox.poll(); // the report left is not read again as new
        try (var channel = connection.createChannel()) {
            boolean any = false;
            com.rabbitmq.client.GetResponse got;
            while ((got = channel.basicGet(Queues.PREFERENCE_CONTACT.name(), true)) != null) {
                ContactEvent event = (ContactEvent)
                        codec.decode(got.getProps(), got.getBody()).payload();
                any |= "victim@example.org".equals(event.address()) || "busy@example.org".equals(event.address());
            }
            assertThat(any).as("no contact event for a soft or a forged report").isFalse();
        }
    }

    @Test
    void anErasedCustomersReturnPathsAreForgottenSoALateReportChangesNothing() throws Exception {
        String id = TestNames.unique("msg");
        String returnPath = send("tenant-e", id, "late@example.org", "transactional");

        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_CUSTOMER_ERASED,
                Envelope.of(
                        TestNames.unique("erase"),
                        "tenant-e",
                        new io.relay.contracts.payload.CustomerErased("c-7", Instant.now(), "erased:x"),
                        null,
                        Instant.now()),
                Duration.ofSeconds(5));
        String token = returnPath.substring("bounce+".length(), returnPath.indexOf('@'));
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.exists("email:return-path:" + token));

        report(dsn(returnPath, "late@example.org", "failed", "5.1.1"));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        IMAP.getReceivedMessagesForDomain("bounces.test").length > 0 && inMailbox(returnPath) == 1);
        mailbox.poll();
        assertThat(inMailbox(returnPath))
                .as("matches nothing: left for a person")
                .isEqualTo(1);
    }
}
