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
import io.relay.testsupport.TestNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * SMTP's answers at the wire: a scripted SMTP peer that refuses recipients with the codes real
 * servers use, so each class of failure is seen as email-service sees it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class SmtpErrorsTest {

    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final ScriptedSmtp SMTP = new ScriptedSmtp();

    /** No tenant here has provider accounts of its own: every message goes through the platform's. */
    private static final io.relay.testsupport.GatewayStandIn GATEWAY =
            io.relay.testsupport.GatewayStandIn.withoutTenantAccounts();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("relay.gateway-admin-url", GATEWAY::url);
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("smtp.host", () -> "127.0.0.1");
        registry.add("smtp.port", SMTP::port);
    }

    @AfterAll
    static void tearDown() throws IOException {
        SMTP.close();
        VHOST.close();
    }

    @Autowired
    ConfirmingPublisher publisher;

    @Autowired
    Connection connection;

    @Autowired
    EnvelopeCodec codec;

    private void dispatch(String id, String to) {
        EmailDispatch email =
                new EmailDispatch(id, "c-1", "receipts", to, null, "Hi", "Hello", null, null, null, "transactional");
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.KEY_DISPATCH_EMAIL,
                Envelope.of(id, "tenant-a", email, null, Instant.now()),
                Duration.ofSeconds(5));
    }

    private DeliveryEvent event(String id, Duration within) {
        return QueueProbe.take(
                        connection,
                        Queues.ROUTING_DELIVERY.name(),
                        got -> codec.decode(got.getProps(), got.getBody()).payload(),
                        DeliveryEvent.class,
                        e -> e.messageId().equals(id),
                        1,
                        within)
                .getFirst();
    }

    @Test
    void a5xxForTheAddressFailsTheMessageForGoodWithTheCode() throws Exception {
        String id = TestNames.unique("msg");
        int before = SMTP.rcptAttempts("nobody@example.org");

        dispatch(id, "nobody@example.org"); // the peer answers 550 5.1.1

        DeliveryEvent failed = event(id, Duration.ofSeconds(10));
        assertThat(failed.status()).isEqualTo(DeliveryEvent.Status.FAILED);
        assertThat(failed.code()).isEqualTo("smtp-550");
        // the address is dead: preference-service puts it on the suppression list
        assertThat(QueueProbe.take(
                                connection,
                                Queues.PREFERENCE_CONTACT.name(),
                                got -> codec.decode(got.getProps(), got.getBody())
                                        .payload(),
                                io.relay.contracts.payload.ContactEvent.class,
                                e -> e.address().equals("nobody@example.org"),
                                1,
                                Duration.ofSeconds(10))
                        .getFirst()
                        .kind())
                .isEqualTo(io.relay.contracts.payload.ContactEvent.Kind.EMAIL_BOUNCED);
        assertThat(SMTP.rcptAttempts("nobody@example.org") - before)
                .as("not retried")
                .isEqualTo(1);
    }

    @Test
    void a4xxIsRetriedAndTheMessageGoesOnceTheServerAccepts() throws Exception {
        String id = TestNames.unique("msg");
        int acceptedBefore = SMTP.messagesAccepted();

        dispatch(id, "busy@example.org"); // 451 4.3.0 the first time, accepted after

        DeliveryEvent sent = event(id, Duration.ofSeconds(30));
        assertThat(sent.status()).isEqualTo(DeliveryEvent.Status.SENT);
        assertThat(SMTP.rcptAttempts("busy@example.org")).isEqualTo(2);
        assertThat(SMTP.messagesAccepted() - acceptedBefore).as("sent once").isEqualTo(1);
    }

    @Test
    void oneConnectionCarriesSeveralMessages() throws Exception {
        int connections = SMTP.connections();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = TestNames.unique("msg");
            ids.add(id);
            dispatch(id, "ok" + i + "@example.org");
            event(id, Duration.ofSeconds(10)); // one after the other, on the same connection
        }
        assertThat(SMTP.connections() - connections)
                .as("connections opened for 5 messages")
                .isLessThanOrEqualTo(2);
    }

    /** Just enough SMTP: 550 for nobody@, 451 once for busy@, 250 otherwise. */
    static final class ScriptedSmtp implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger connections = new AtomicInteger();
        private final AtomicInteger accepted = new AtomicInteger();
        private final java.util.Map<String, AtomicInteger> rcpts = new java.util.concurrent.ConcurrentHashMap<>();

        ScriptedSmtp() {
            try {
                server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> converse(socket));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        int messagesAccepted() {
            return accepted.get();
        }

        int rcptAttempts(String address) {
            return rcpts.computeIfAbsent(address, a -> new AtomicInteger()).get();
        }

        private void converse(Socket socket) {
            try (socket;
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = socket.getOutputStream()) {
                say(out, "220 scripted ESMTP");
                String line;
                while ((line = in.readLine()) != null) {
                    String command = line.toUpperCase(java.util.Locale.ROOT);
                    if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                        say(out, "250-scripted\r\n250 8BITMIME");
                    } else if (command.startsWith("RCPT TO:")) {
                        String address = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                        int attempt = rcpts.computeIfAbsent(address, a -> new AtomicInteger())
                                .incrementAndGet();
                        if (address.startsWith("nobody@")) {
                            say(out, "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown");
                        } else if (address.startsWith("busy@") && attempt == 1) {
                            say(out, "451 4.3.0 <" + address + ">: Temporary lookup failure, try again later");
                        } else {
                            say(out, "250 2.1.5 Ok");
                        }
                    } else if (command.startsWith("DATA")) {
                        say(out, "354 End data with <CR><LF>.<CR><LF>");
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            // the message itself is not needed here
                        }
                        accepted.incrementAndGet();
                        say(out, "250 2.0.0 Ok: queued");
                    } else if (command.startsWith("QUIT")) {
                        say(out, "221 2.0.0 Bye");
                        return;
                    } else {
                        say(out, "250 2.0.0 Ok"); // MAIL, RSET, NOOP
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static void say(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aRefusedAddressIsNotInTheLogsNotEvenInTheServersErrorText(
            org.springframework.boot.test.system.CapturedOutput logs) throws Exception {
        String id = TestNames.unique("msg");

        dispatch(id, "nobody@example.org"); // the peer answers 550 5.1.1 <nobody@example.org>

        assertThat(event(id, Duration.ofSeconds(10)).status()).isEqualTo(DeliveryEvent.Status.FAILED);
        assertThat(logs.getAll()).contains("550").doesNotContain("nobody@example.org");
    }
}
