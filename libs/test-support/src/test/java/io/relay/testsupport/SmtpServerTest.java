package io.relay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The SMTP server the suites send to: it keeps what arrives, or, for a load run, counts it by subject. */
class SmtpServerTest {

    private static void send(SmtpServer server, String to, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(server.port()));
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("relay@relay.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("hello");
        Transport.send(message);
    }

    @Test
    void countOnlyCountsEachSubjectWithoutKeepingTheMessagesAndKeepsWhatCameBefore() throws Exception {
        try (SmtpServer server = SmtpServer.start()) {
            send(server, "a@example.com", "kept");

            server.countOnly();
            send(server, "a@example.com", "tok-1");
            send(server, "b@example.com", "tok-1");
            send(server, "b@example.com", "tok-2");

            assertThat(server.received()).extracting(MimeMessage::getSubject).containsExactly("kept");
            assertThat(server.subjects())
                    .containsOnly(
                            java.util.Map.entry("kept", 1),
                            java.util.Map.entry("tok-1", 2),
                            java.util.Map.entry("tok-2", 1));
        }
    }
}
