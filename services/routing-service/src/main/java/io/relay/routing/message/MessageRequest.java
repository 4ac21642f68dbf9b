package io.relay.routing.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The body of {@code POST /v1/messages} (api.md, Messages). */
public record MessageRequest(
        String customerId,
        String category,
        String priority,
        List<String> channels,
        Instant sendAt,
        Instant expiresAt,
        Content content,
        TemplateUse template,
        Appointment appointment) {

    public record Content(EmailContent email, SmsContent sms, PushContent push) {}

    public record EmailContent(String subject, String text, String html) {}

    public record SmsContent(String text) {}

    public record PushContent(String title, String body, Map<String, String> data) {}

    /**
     * Which stored template to render, with its placeholders' values. Not named Template: the OpenAPI
     * document names schemas by simple class name, and that is the stored template's.
     */
    public record TemplateUse(String id, Map<String, String> data) {}

    /** {@code id} keeps the calendar entry the same across messages about one appointment. */
    public record Appointment(
            String id, String title, Instant start, Instant end, String location, String rescheduleUrl) {}
}
