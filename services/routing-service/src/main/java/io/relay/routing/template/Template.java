package io.relay.routing.template;

import io.relay.routing.message.MessageRequest;
import java.util.Map;

/**
 * {@code PUT /v1/templates/{id}}: per channel, per locale, with {@code {{placeholders}}}. A locale the
 * customer's does not match falls back to {@code defaultLocale}; {@code {{customer.x}}} reads the
 * customer's profile attributes.
 */
public record Template(String defaultLocale, Channels channels) {

    public record Channels(
            Map<String, MessageRequest.EmailContent> email,
            Map<String, MessageRequest.SmsContent> sms,
            Map<String, MessageRequest.PushContent> push) {

        public Channels {
            email = email == null ? Map.of() : Map.copyOf(email);
            sms = sms == null ? Map.of() : Map.copyOf(sms);
            push = push == null ? Map.of() : Map.copyOf(push);
        }
    }
}
