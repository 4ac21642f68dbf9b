package io.relay.routing.accept;

import io.relay.contracts.Channel;
import io.relay.routing.message.MessageRequest;
import io.relay.web.FieldViolation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a message request against the contract; returns every violation, in field order. */
public final class MessageValidator {

    public static final Set<String> CHANNELS = Set.copyOf(Channel.WIRE_NAMES);
    private static final Pattern ID = Pattern.compile("(?!\\.\\.?$)[A-Za-z0-9._:@-]{1,128}");
    private static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private MessageValidator() {}

    public static List<FieldViolation> violations(MessageRequest request, Instant now) {
        List<FieldViolation> v = new ArrayList<>();
        if (request.customerId() == null || request.customerId().isBlank()) {
            v.add(new FieldViolation("customerId", "is required"));
        } else if (!ID.matcher(request.customerId()).matches()) {
            v.add(new FieldViolation("customerId", "must be 1-128 letters, digits or ._:@-"));
        }
        if (request.category() == null || request.category().isBlank()) {
            v.add(new FieldViolation("category", "is required"));
        } else if (!CATEGORY.matcher(request.category()).matches()) {
            v.add(new FieldViolation("category", "must be lower-case letters, digits or ._-"));
        }
        if (request.priority() != null && !Set.of("normal", "urgent").contains(request.priority())) {
            v.add(new FieldViolation("priority", "must be normal or urgent"));
        }
        if (request.channels() != null) {
            if (request.channels().isEmpty()) {
                v.add(new FieldViolation("channels", "must name at least one channel when given"));
            }
            for (int i = 0; i < request.channels().size(); i++) {
                if (!CHANNELS.contains(request.channels().get(i))) {
                    v.add(new FieldViolation("channels[" + i + "]", "must be email, sms or push"));
                }
            }
        }
        if (request.expiresAt() != null) {
            if (!request.expiresAt().isAfter(now)) {
                v.add(new FieldViolation("expiresAt", "must be in the future"));
            } else if (request.sendAt() != null && !request.expiresAt().isAfter(request.sendAt())) {
                v.add(new FieldViolation("expiresAt", "must be after sendAt"));
            }
        }
        if (request.appointment() != null) {
            appointmentViolations(request.appointment(), v);
        }
        if (request.template() != null) {
            if (request.content() != null) {
                v.add(new FieldViolation("template", "give content or a template, not both"));
            }
            if (request.template().id() == null || request.template().id().isBlank()) {
                v.add(new FieldViolation("template.id", "is required"));
            }
        } else if (request.content() == null) {
            v.add(new FieldViolation(
                    "content", "is required: content for at least one allowed channel, or a template"));
        } else {
            contentViolations(request, v);
        }
        return v;
    }

    /** Content rules alone: for content a template produced. */
    public static List<FieldViolation> contentViolations(MessageRequest request) {
        List<FieldViolation> v = new ArrayList<>();
        contentViolations(request, v);
        return v;
    }

    private static void contentViolations(MessageRequest request, List<FieldViolation> v) {
        MessageRequest.Content content = request.content();
        if (content.email() != null) {
            if (blank(content.email().subject())) {
                v.add(new FieldViolation("content.email.subject", "is required"));
            } else if (content.email().subject().length() > 998
                    || content.email().subject().matches("(?s).*[\\r\\n].*")) {
                v.add(new FieldViolation("content.email.subject", "must be one line of at most 998 characters"));
            }
            if (blank(content.email().text()) && blank(content.email().html())) {
                v.add(new FieldViolation("content.email", "needs text or html"));
            }
        }
        if (content.sms() != null && blank(content.sms().text())) {
            v.add(new FieldViolation("content.sms.text", "is required"));
        } else if (content.sms() != null
                && CONTROL.matcher(content.sms().text()).find()) {
            // a NUL or an escape sequence reaches a phone as garbage, or is refused by the carrier
            v.add(new FieldViolation("content.sms.text", "must not contain control characters other than line breaks"));
        }
        if (content.push() != null
                && blank(content.push().title())
                && blank(content.push().body())) {
            v.add(new FieldViolation("content.push", "needs a title or a body"));
        }
        boolean anyUsable = (content.email() != null && allowed(request, Channel.EMAIL.wireName()))
                || (content.sms() != null && allowed(request, Channel.SMS.wireName()))
                || (content.push() != null && allowed(request, Channel.PUSH.wireName()));
        if (!anyUsable) {
            v.add(new FieldViolation("content", "has nothing for any allowed channel"));
        }
    }

    /**
     * An appointment becomes a calendar invite and a link in SMS and push: one-line texts without control
     * characters, an https reschedule link, a start before its end.
     */
    private static void appointmentViolations(MessageRequest.Appointment appointment, List<FieldViolation> v) {
        if (appointment.id() == null || !ID.matcher(appointment.id()).matches()) {
            v.add(new FieldViolation("appointment.id", "is required: 1-128 letters, digits or ._:@-"));
        }
        oneLine("appointment.title", appointment.title(), 200, v);
        oneLine("appointment.location", appointment.location(), 500, v);
        if (appointment.start() != null
                && appointment.end() != null
                && !appointment.start().isBefore(appointment.end())) {
            v.add(new FieldViolation("appointment.end", "must be after appointment.start"));
        } else if (appointment.end() != null && appointment.start() == null) {
            v.add(new FieldViolation("appointment.start", "is required when appointment.end is given"));
        }
        if (appointment.rescheduleUrl() != null && !httpsUrl(appointment.rescheduleUrl())) {
            v.add(new FieldViolation(
                    "appointment.rescheduleUrl", "must be an absolute https URL of at most 2000 characters, one line"));
        }
    }

    private static void oneLine(String field, String value, int max, List<FieldViolation> v) {
        if (value != null
                && (value.length() > max
                        || value.matches("(?s).*[\\r\\n].*")
                        || CONTROL.matcher(value).find())) {
            v.add(new FieldViolation(
                    field, "must be one line of at most " + max + " characters, no control characters"));
        }
    }

    private static boolean httpsUrl(String value) {
        if (value.length() > 2000 || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return false; // no spaces, control characters or line breaks: a raw URL is ASCII
        }
        try {
            java.net.URI uri = java.net.URI.create(value);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean allowed(MessageRequest request, String channel) {
        return request.channels() == null || request.channels().contains(channel);
    }

    /** C0 and C1 control characters but tab, LF and CR; DEL. */
    static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("[\\p{Cc}&&[^\\t\\n\\r]]");

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
