package io.relay.routing.accept;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.routing.message.MessageRequest;
import io.relay.web.FieldViolation;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageValidatorTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final MessageRequest.Content EMAIL =
            new MessageRequest.Content(new MessageRequest.EmailContent("Hi", "text", null), null, null);

    private static List<String> fields(MessageRequest request) {
        return MessageValidator.violations(request, NOW).stream()
                .map(FieldViolation::field)
                .toList();
    }

    private static MessageRequest request(
            String customerId,
            List<String> channels,
            Instant sendAt,
            Instant expiresAt,
            MessageRequest.Content content) {
        return new MessageRequest(
                customerId, "appointments", "normal", channels, sendAt, expiresAt, content, null, null);
    }

    @Test
    void aCompleteEmailMessageIsValid() {
        assertThat(fields(request("c-42", null, null, NOW.plusSeconds(60), EMAIL)))
                .isEmpty();
    }

    @Test
    void missingCustomerAndContentAreBothNamed() {
        assertThat(fields(request(null, null, null, null, null))).containsExactly("customerId", "content");
    }

    @Test
    void aCustomerIdOfDotsIsRefusedButDotsInsideAnIdAreFine() {
        assertThat(fields(request(".", null, null, null, EMAIL))).containsExactly("customerId");
        assertThat(fields(request("..", null, null, null, EMAIL))).containsExactly("customerId");
        assertThat(fields(request("a.b", null, null, null, EMAIL))).isEmpty();
        assertThat(fields(request("...", null, null, null, EMAIL))).isEmpty();
    }

    private static List<String> appointmentFields(MessageRequest.Appointment appointment) {
        return fields(new MessageRequest("c-42", "appointments", "normal", null, null, null, EMAIL, null, appointment));
    }

    @Test
    void anAppointmentMustStartBeforeItEndsLinkOverHttpsAndHoldNoLineBreaks() {
        Instant start = NOW.plusSeconds(3600);
        assertThat(appointmentFields(new MessageRequest.Appointment(
                        "apt-1", "Check-up", start, start.plusSeconds(1800), "Main St 1", "https://acme.example/r/1")))
                .isEmpty();
        assertThat(appointmentFields(
                        new MessageRequest.Appointment("apt-1", "Check-up", start, start.minusSeconds(1), null, null)))
                .containsExactly("appointment.end");
        assertThat(appointmentFields(new MessageRequest.Appointment("apt-1", "Check-up", start, start, null, null)))
                .containsExactly("appointment.end");
        assertThat(appointmentFields(new MessageRequest.Appointment(
                        "apt-1",
                        "Check-up",
                        start,
                        null,
                        null,
                        "https://acme.example/r/1\r\nATTENDEE:mailto:evil@example.org")))
                .containsExactly("appointment.rescheduleUrl");
        assertThat(appointmentFields(new MessageRequest.Appointment(
                        "apt-1", "Check-up", start, null, null, "http://acme.example/r/1")))
                .containsExactly("appointment.rescheduleUrl");
        assertThat(appointmentFields(
                        new MessageRequest.Appointment("apt-1", "Check-up", start, null, null, "javascript:alert(1)")))
                .containsExactly("appointment.rescheduleUrl");
        assertThat(appointmentFields(
                        new MessageRequest.Appointment("apt-1", "Check\nup", start, null, "Main\u0000St", null)))
                .containsExactly("appointment.title", "appointment.location");
        assertThat(appointmentFields(new MessageRequest.Appointment(null, "Check-up", start, null, null, null)))
                .containsExactly("appointment.id");
    }

    @Test
    void contentOnlyForAChannelTheBusinessDisallowedIsRejected() {
        assertThat(fields(request("c-42", List.of("sms"), null, null, EMAIL))).containsExactly("content");
    }

    @Test
    void expiryMustBeAfterNowAndAfterSendAt() {
        assertThat(fields(request("c-42", null, null, NOW.minusSeconds(1), EMAIL)))
                .containsExactly("expiresAt");
        assertThat(fields(request("c-42", null, NOW.plusSeconds(600), NOW.plusSeconds(300), EMAIL)))
                .containsExactly("expiresAt");
    }

    @Test
    void aSubjectWithALineBreakCannotInjectHeaders() {
        MessageRequest.Content injected = new MessageRequest.Content(
                new MessageRequest.EmailContent("Hi\r\nBcc: all@example.org", "text", null), null, null);

        assertThat(fields(request("c-42", null, null, null, injected))).containsExactly("content.email.subject");
    }

    @Test
    void unknownChannelsArePointedAt() {
        assertThat(fields(request("c-42", List.of("email", "fax"), null, null, EMAIL)))
                .containsExactly("channels[1]");
    }

    @Test
    void anSmsWithControlCharactersIsRefusedButLineBreaksAreFine() {
        MessageRequest.Content escape =
                new MessageRequest.Content(null, new MessageRequest.SmsContent("Hi\u001b[31m red\u0000"), null);
        MessageRequest.Content lines =
                new MessageRequest.Content(null, new MessageRequest.SmsContent("Line one\r\nline two\ttab"), null);

        assertThat(fields(request("c-42", null, null, null, escape))).containsExactly("content.sms.text");
        assertThat(fields(request("c-42", null, null, null, lines))).isEmpty();
    }
}
